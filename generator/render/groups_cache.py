"""The built syscall groups, kept on disk between runs, keyed by the group files' content.

Reading and checking the group files costs more than the rest of a render's start-up; a later
run with the same files (and the same tightship) reads the result back instead. Only a build
that succeeded is kept, so an error in a group file is reported on every run. The cache is
plain JSON in the user's cache folder; a folder that cannot be written or a file that cannot
be read only means the groups are built again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import __version__
from generator.render.disk_cache import cache_dir as cache_dir
from generator.render.disk_cache import read_json, store_json
from generator.render.group_model import Group, GroupSet, Special

FORMAT = 1


def content_key(folder: Path) -> str:
    # The folder is part of the key: the groups name their files in messages.
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{folder}\0".encode())
    for file in sorted(folder.glob("*.yaml")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_groups(folder: Path, build: Callable[[], GroupSet]) -> GroupSet:
    """The groups of `folder`: read from the cache when its files are unchanged, else built."""
    try:
        key = content_key(folder)
    except OSError:
        return build()
    name = f"seccomp-groups-{key}.json"
    entry = read_json(name)
    try:
        found = groups_from_json(entry, str(folder)) if isinstance(entry, dict) else None
    except (TypeError, KeyError, AttributeError):
        found = None
    if found is not None:
        return found
    groups = build()
    store_json(name, groups_to_json(groups), sort_keys=True)
    return groups


def groups_to_json(groups: GroupSet) -> dict[str, Any]:
    return {"groups": [g._asdict() for g in groups.groups.values()],
            "special": [s._asdict() for s in groups.special.values()],
            "dangerous": groups.dangerous,
            "dangerous_with_args": sorted(groups.dangerous_with_args)}


def _tuples(value: Any) -> Any:
    """JSON's lists back to the tuples the model holds."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def groups_from_json(data: dict[str, Any], folder: str) -> GroupSet:
    groups = {g["name"]: Group(g["name"], g["description"], g["file"], _tuples(g["syscalls"]))
              for g in data["groups"]}
    special = {s["name"]: Special(s["name"], s["group"], s["why"], _tuples(s["args"]),
                                  s["errno"])
               for s in data["special"]}
    return GroupSet(folder, groups, special, dict(data["dangerous"]),
                    frozenset(data["dangerous_with_args"]))
