"""H03: how each approved base image's signature is verified (profile `images.KEY.signature`).

The schema gives the types; this module says which fields each method needs, so a profile
that names cosign-keyless without an issuer is refused at render time, not in CI.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from generator.render.validation import field_error
from generator.yamlio import Layer

# method -> (fields it needs, groups of which exactly one is needed, fields it accepts)
_NEEDS = {
    "cosign-key": ((), (("public_key", "key_file"),)),
    "cosign-keyless": (("issuer",), (("identity", "identity_regexp"),)),
    "notation": (("trust_policy",), ()),
    "none": (("reason",), ()),
}
# method -> optional fields it also accepts
_MAY = {"cosign-key": ("transparency_log",)}


class Signature(NamedTuple):
    """How an approved image's signature is verified before it is used."""

    method: str  # cosign-key, cosign-keyless, notation, none
    public_key: str | None = None  # base64 body of a PEM public key
    key_file: str | None = None
    identity: str | None = None
    identity_regexp: str | None = None
    issuer: str | None = None
    trust_policy: str | None = None
    reason: str | None = None
    transparency_log: bool = True  # cosign-key: False = the key alone proves the signature


def build_signature(entry: dict[str, Any] | None, key: str,
                    layers: Sequence[Layer]) -> Signature | None:
    """The image's signature method, or None where the profile names none."""
    if entry is None:
        return None
    path = ["images", key, "signature"]
    method = entry["method"]
    needed, one_of = _NEEDS[method]
    accepted = {"method", *needed, *(f for group in one_of for f in group), *_MAY.get(method, ())}
    for name in sorted(entry):
        if name not in accepted:
            raise field_error(f"'{name}' does not apply to method {method} (it takes: "
                       f"{', '.join(sorted(accepted - {'method'}))})", layers, [*path, name])
    for name in needed:
        if name not in entry:
            raise field_error(f"is required for method {method}", layers, [*path, name], path)
    for group in one_of:
        given = [f for f in group if f in entry]
        if len(given) != 1:
            raise field_error(f"method {method} takes exactly one of: {', '.join(group)}", layers,
                       [*path, given[-1]] if given else path)
    return Signature(**entry)
