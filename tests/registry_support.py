"""Pushing test images to the local registry and taking them out again."""

from __future__ import annotations

import contextlib
import json
import urllib.request

import engine_support

REGISTRY = engine_support.REGISTRY
_ACCEPT = ", ".join(["application/vnd.docker.distribution.manifest.v2+json",
                     "application/vnd.oci.image.manifest.v1+json"])


def manifest_digest(repository: str, tag: str) -> str:
    """The digest the registry serves `repository:tag` under."""
    head = urllib.request.Request(f"http://{REGISTRY}/v2/{repository}/manifests/{tag}",
                                  method="HEAD", headers={"Accept": _ACCEPT})
    with urllib.request.urlopen(head, timeout=30) as answer:
        return answer.headers["Docker-Content-Digest"]


def delete_repository(repository: str) -> None:
    """Remove every tag of a test's repository (an image, its signatures); blobs another
    repository shares stay, since a registry deletes a manifest per repository."""
    with contextlib.suppress(Exception):
        with urllib.request.urlopen(f"http://{REGISTRY}/v2/{repository}/tags/list",
                                    timeout=30) as answer:
            tags = json.load(answer).get("tags") or []
        for tag in tags:
            digest = manifest_digest(repository, tag)
            urllib.request.urlopen(urllib.request.Request(
                f"http://{REGISTRY}/v2/{repository}/manifests/{digest}", method="DELETE"),
                timeout=30)
