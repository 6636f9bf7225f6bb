"""compose.digest.yaml: the compose override that runs a service's image by digest.

`tightship deploy-digest` writes it after a push (`docker compose -f compose.yaml -f
compose.digest.yaml up`); compose merges it over compose.yaml, so it names nothing but each
service's `image:`. `check` knows it by that exact shape and does not judge it as a service of
its own: every hardening setting stays in compose.yaml, where check judges it.
"""

from __future__ import annotations

import re

FILE = "compose.digest.yaml"
_NAME = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_IMAGE = r"[A-Za-z0-9./:_-]+@sha256:[0-9a-f]{64}"
# Comment lines, then `services:` and one or more services holding only an image by digest.
# compiled on first use (re caches it): only for a file named compose.digest.yaml
_SHAPE = rf"(#[^\n]*\n)*services:\n(  {_NAME}:\n    image: {_IMAGE}\n)+"


def override_text(service: str, image: str, digest: str) -> str:
    """`image` (a checked name without tag) and `digest` (checked) hold no YAML syntax and no
    `$` for compose to interpolate; `service` is a checked DNS label."""
    return ("# written by `tightship deploy-digest` after a push: compose.yaml's image by digest\n"
            f"# (render never writes this file). Run: docker compose -f compose.yaml -f {FILE} up\n"
            "services:\n"
            f"  {service}:\n"
            f"    image: {image}@{digest}\n")


def is_override(name: str, text: str) -> bool:
    """Is this file a digest override as deploy-digest writes it (and nothing more)?"""
    return name.replace("\\", "/").rsplit("/", 1)[-1] == FILE and bool(re.fullmatch(_SHAPE, text))
