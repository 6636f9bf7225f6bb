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
    return _cosign_key_lines(image, failed)


def _cosign_key_lines(image: BaseImage, failed: str) -> list[str]:
    """cosign verify --key; without a transparency log, skopeo's sigstore policy stands in
    where cosign is not installed: both read the same signature, `sha256-DIGEST.sig`."""
    sig = image.signature
    assert sig is not None
    q = shlex.quote
    ref = image.pinned_ref
    if sig.key_file:
        key = q(sig.key_file)
        lines = []
    else:
        key = '"$key_file"'
        lines = ['key_file="$(mktemp)"',
                 "printf '%s\\n' '-----BEGIN PUBLIC KEY-----' "
                 f"{q(sig.public_key or '')} '-----END PUBLIC KEY-----' > \"$key_file\""]
    tlog = "" if sig.transparency_log else " --insecure-ignore-tlog=true"
    cosign = f"cosign verify --key {key}{tlog} {q(ref)} >/dev/null || tightship_fail {failed}"
    if sig.transparency_log:
        return [f"tightship_need cosign {q(ref)}", *lines, cosign]
    # skopeo names an image by repository and digest only, never with a tag as well
    by_digest = f"{image.ref.full_name}@{image.digest}"
    missing = q(f"neither cosign nor skopeo is installed, so the signature of {ref} cannot be "
                "verified: nothing was built")
    return [*lines,
            "if command -v cosign >/dev/null 2>&1; then",
            f"    {cosign}",
            "elif command -v skopeo >/dev/null 2>&1; then",
            f"    tightship_skopeo_verify {key} {q(by_digest)} || tightship_fail {failed}",
            "else",
            f"    tightship_fail {missing}",
            "fi"]


# A policy that accepts only images signed by the key (keyData: base64 has no JSON syntax)
# for the same repository (cosign signs the repository's name; the digest is in the signed
# payload), and signatures read from the registry as cosign writes them; skopeo copy
# enforces it.
SKOPEO_VERIFY = """tightship_skopeo_verify() {
    sigdir="$(mktemp -d)"
    printf '{"default":[{"type":"sigstoreSigned","keyData":"%s",%s}]}\\n' \\
        "$(base64 < "$1" | tr -d '\\n')" \\
        '"signedIdentity":{"type":"matchRepository"}' > "$sigdir/policy.json"
    printf 'default-docker:\\n  use-sigstore-attachments: true\\n' > "$sigdir/sigstore.yaml"
    skopeo --policy "$sigdir/policy.json" --registries.d "$sigdir" \\
        copy --quiet "docker://$2" "dir:$sigdir/image" >&2
    status=$?
    rm -rf "$sigdir"
    return "$status"
}"""


def needs_skopeo_helper(images: list[BaseImage]) -> bool:
    return any(i.signature is not None and i.signature.method == "cosign-key"
               and not i.signature.transparency_log for i in images)


def images_built_on(dockerfile: str, images: tuple[BaseImage, ...]) -> list[BaseImage]:
    """The profile's images the Dockerfile names (FROM, COPY --from), in the profile's order."""
    words = {word.removeprefix("--from=") for word in dockerfile.split()}
    return [image for image in images if image.pinned_ref in words]
