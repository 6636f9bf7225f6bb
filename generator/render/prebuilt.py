"""The bundled profiles and syscall groups as loaded, shipped with the package.

Parsing the bundled YAML with the round-trip loader, judging the profiles against the schema
and checking every syscall name with libseccomp costs several times more than rendering a
service, on every first run (a fresh machine, CI). `prebuilt.json`, beside this module, holds
what that work gives for the bundled files; an entry is used only while every file it was made
from (and the schema that judged it) reads byte for byte as it did, so an edited profile or
group file is always read again. tests/test_prebuilt.py holds the file equal to what loading
the YAML gives and rewrites it when run as a script.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.render.group_model import GroupSet
from generator.render.groups_cache import groups_from_json, groups_to_json
from generator.resources import SCHEMA_DIR, data_dir
from generator.runtimes import NAMES as RUNTIME_NAMES
from generator.yamlio import Layer

SHIPPED = Path(__file__).with_name("prebuilt.json")
PROFILE_SCHEMA = "profile.schema.json"


def digest(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def profile_judge() -> str:
    """What a profile's validity depends on besides its files: the schema and the runtimes."""
    schema = (SCHEMA_DIR / PROFILE_SCHEMA).read_text(encoding="utf-8")
    return digest(schema + "\0" + " ".join(RUNTIME_NAMES))


def groups_digest(folder: Path) -> str:
    """The group files of `folder` by name and content (not by where the folder is)."""
    parts = hashlib.sha256()
    for file in sorted(folder.glob("*.yaml")):
        parts.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return parts.hexdigest()


@cache
def _shipped_text() -> str:
    try:
        return SHIPPED.read_text(encoding="utf-8")
    except OSError:
        return "{}"


def _shipped() -> dict[str, Any]:
    """The shipped forms, parsed afresh for each caller to keep (cheaper than a deep copy)."""
    try:
        loaded = json.loads(_shipped_text())
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _bundled_name(path: Path, folder: Path) -> str | None:
    """The file's name when `path` is a file of the bundled `folder`, else None."""
    try:
        same = path.resolve().parent == folder.resolve()
    except OSError:
        return None
    return path.name if same else None


# --- profiles ---------------------------------------------------------------------------------

def profile_entry(layers: list[Layer], data: dict[str, Any]) -> dict[str, Any]:
    """What is shipped for a bundled profile that loaded and validated."""
    return {"judge": profile_judge(), "data": data,
            "files": [[Path(layer.file).name, digest(layer.text or ""), layer.values]
                      for layer in layers]}


def prebuilt_profile(path: Path, text: str) -> tuple[list[Layer], dict[str, Any]] | None:
    """(layers, merged data) of a bundled profile whose files all read as when it was built."""
    folder = data_dir("profiles")
    name = _bundled_name(path, folder)
    entry = _shipped().get("profiles", {}).get(name) if name else None
    if not isinstance(entry, dict):
        return None
    try:
        files, data = entry["files"], entry["data"]
        if files[0][0] != name or files[0][1] != digest(text) or \
                entry["judge"] != profile_judge():
            return None
        layers = [Layer.unparsed(str(path), text, files[0][2])]
        for file, known, values in files[1:]:
            parent = folder / file
            parent_text = parent.read_text(encoding="utf-8")
            if digest(parent_text) != known:
                return None
            layers.append(Layer.unparsed(str(parent), parent_text, values))
    except (OSError, UnicodeDecodeError, TypeError, KeyError, ValueError, IndexError):
        return None
    return (layers, data) if isinstance(data, dict) else None


# --- syscall groups ---------------------------------------------------------------------------

def groups_entry(groups: GroupSet) -> dict[str, Any]:
    """What is shipped for the bundled syscall groups, their files named relative to the
    folder."""
    entry = groups_to_json(groups)
    for group in entry["groups"]:
        group["file"] = Path(group["file"]).name
    return {"files": groups_digest(Path(groups.folder)), **entry}


def prebuilt_groups(folder: Path) -> GroupSet | None:
    """The bundled groups, when `folder` is the bundled folder and its files are unchanged."""
    entry = _shipped().get("groups")
    bundled = data_dir("profiles") / "seccomp"
    try:
        if not isinstance(entry, dict) or folder.resolve() != bundled.resolve() or \
                entry.get("files") != groups_digest(folder):
            return None
        located = {**entry, "groups": [{**g, "file": str(folder / g["file"])}
                                       for g in entry["groups"]]}
        return groups_from_json(located, str(folder))
    except (OSError, TypeError, KeyError, AttributeError):
        return None
