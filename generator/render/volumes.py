"""Persistent volumes: data that must survive a restart (uploads, a SQLite file, a spool).

Each is a named volume under compose and a PersistentVolumeClaim on Kubernetes, mounted at a
folder the image creates owned by the service's UID (a fresh named volume copies that owner;
on Kubernetes the pod's fsGroup does the same). The root filesystem stays read-only.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from generator.runtimes import Error
from generator.values import SECRETS_DIR, normal_path, system_path

DEFAULT_VOLUME_SIZE = "1Gi"


class Volume(NamedTuple):
    """One writable or read-only volume the service mounts."""

    name: str
    path: str
    size: str  # what the PersistentVolumeClaim requests
    read_only: bool


def build_volumes(items: list[dict[str, Any]], *, workdir: str, writable: tuple[str, ...],
                  has_shell: bool, error: Error) -> tuple[Volume, ...]:
    """Check each answers' `volumes` entry (`error(message, *path)` names it); freeze them."""
    volumes: list[Volume] = []
    names: set[str] = set()
    taken = [normal_path(p) for p in writable]
    work = normal_path(workdir)
    for i, item in enumerate(items):
        path = normal_path(item["path"])
        if item["name"] in names:
            raise error(f"volume name {item['name']!r} is used twice", "volumes", i, "name")
        names.add(item["name"])
        if system_path(path):
            raise error(f"{item['path']} is inside a system folder: a volume there would "
                        "replace the image's own files (R11)", "volumes", i, "path")
        if path == work or work.startswith(path + "/"):
            raise error(f"{item['path']} would hide the service's files in {workdir}: mount "
                        "the volume on a folder of its own", "volumes", i, "path")
        if _overlaps(path, SECRETS_DIR):
            raise error(f"{item['path']} overlaps {SECRETS_DIR}, where secrets are mounted "
                        "(R13)", "volumes", i, "path")
        for other in taken:
            if _overlaps(path, other):
                raise error(f"{item['path']} overlaps {other}, which is already mounted: a "
                            "path is either a tmpfs or a volume", "volumes", i, "path")
        if not has_shell:
            raise error("the run image has no shell to create the volume's folder owned by "
                        "the service's UID: use an image with a shell", "volumes", i, "path")
        taken.append(path)
        volumes.append(Volume(item["name"], path, item.get("size", DEFAULT_VOLUME_SIZE),
                              bool(item.get("read_only", False))))
    return tuple(volumes)


def _overlaps(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")
