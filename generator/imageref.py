"""Image references and their digests.

Rendering never looks anything up: a profile pins each approved image by digest. Only `pin`
asks a registry (generator.engine.registry).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

DIGEST = r"^sha256:[0-9a-f]{64}$"  # compiled on first use: only pin and deploy-digest take one
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REF_RE = re.compile(
    rf"^(?:(?P<registry>[a-zA-Z0-9.-]+(?::[0-9]+)?)/)?"
    rf"(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    rf"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}))?$"
)
DEFAULT_REGISTRY = "docker.io"


class ImageRef(NamedTuple):
    """`registry/repository:tag`, with Docker Hub's implicit parts made explicit."""

    registry: str
    repository: str
    tag: str | None
    written: str  # as the profile wrote it: kept in FROM lines for readers

    @property
    def full_name(self) -> str:
        return f"{self.registry}/{self.repository}"

    def allowed_by(self, prefixes: Sequence[str]) -> bool:
        """B02: is this image under one of the allowed `registry[/namespace]` prefixes?"""
        name = self.full_name
        return any(name == p or name.startswith(p.rstrip("/") + "/") for p in prefixes)


def parse_ref(text: str) -> ImageRef:
    """Parse `name[:tag]`; raises ValueError with a sentence when it is not an image name."""
    if "@" in text:
        raise ValueError("give the digest in its own field, not in the reference")
    match = _REF_RE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not an image reference (registry/name:tag)")
    registry = match.group("registry")
    path = match.group("path")
    first = text.split("/", 1)[0]
    looks_like_registry = "." in first or ":" in first or first == "localhost"
    if registry and not looks_like_registry:
        # `org/app` is a Docker Hub namespace, not a registry host.
        path, registry = f"{registry}/{path}", None
    if registry is None:
        registry = DEFAULT_REGISTRY
        if "/" not in path:
            path = f"library/{path}"
    return ImageRef(registry=registry, repository=path, tag=match.group("tag"), written=text)
