"""H03: the gate's signature step: one shell command per base image, verified by digest.

Every value from the profile reaches the script through shlex.quote only, so a key path, an
identity or a reason cannot end a word or start a command. Each check fails closed: a missing
verifier or a failed verification stops the gate before anything is built.
"""

from __future__ import annotations

import shlex

from generator.render.profiles import BaseImage


def verify_lines(image: BaseImage) -> list[str]:
    """The shell lines that verify one base image's signature by its digest."""
    ref = image.pinned_ref
    sig = image.signature
    q = shlex.quote
    if sig is None:
        missing = (f"{ref}: the profile names no signature method for image {image.key} "
                   f"(images.{image.key}.signature), so it cannot be verified")
        return [f"tightship_fail {q(missing)}"]
    if sig.method == "none":
        waived = f"{ref}: signature not verified, by the profile: {sig.reason}"
        return [f"tightship_note {q(waived)}"]
    failed = q(f"{ref}: the signature did not verify ({sig.method})")
    if sig.method == "notation":
        return [f"tightship_need notation {q(ref)}",
                f"tightship_note {q(ref + ': notation trust policy ' + (sig.trust_policy or ''))}",
                f"notation verify {q(ref)} >&2 || tightship_fail {failed}"]
    if sig.method == "cosign-keyless":
        identity = (f"--certificate-identity {q(sig.identity)}" if sig.identity else
                    f"--certificate-identity-regexp {q(sig.identity_regexp or '')}")
        return [f"tightship_need cosign {q(ref)}",
                f"cosign verify {identity} --certificate-oidc-issuer {q(sig.issuer or '')} "
                f"{q(ref)} >/dev/null || tightship_fail {failed}"]
    if sig.key_file:
        key = q(sig.key_file)
        lines = []
    else:
        key = '"$key_file"'
        lines = ['key_file="$(mktemp)"',
                 "printf '%s\\n' '-----BEGIN PUBLIC KEY-----' "
                 f"{q(sig.public_key or '')} '-----END PUBLIC KEY-----' > \"$key_file\""]
    return [f"tightship_need cosign {q(ref)}", *lines,
            f"cosign verify --key {key} {q(ref)} >/dev/null || tightship_fail {failed}"]


def images_built_on(dockerfile: str, images: tuple[BaseImage, ...]) -> list[BaseImage]:
    """The profile's images the Dockerfile names (FROM, COPY --from), in the profile's order."""
    words = {word.removeprefix("--from=") for word in dockerfile.split()}
    return [image for image in images if image.pinned_ref in words]
