"""Results kept on disk between runs: the user's cache folder, and how an entry is named,
read and written.

Every entry is named by a digest of what it was made from and of tightship's version, so a
changed input or another tightship never reads it. Only results of work that succeeded are
kept, so an error is reported on every run. A folder that cannot be written or an entry that
cannot be read only means the work is done again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from generator import __version__


def cache_dir() -> Path:
    """$TIGHTSHIP_CACHE_DIR, else $XDG_CACHE_HOME/tightship, else ~/.cache/tightship."""
    if os.environ.get("TIGHTSHIP_CACHE_DIR"):
        return Path(os.environ["TIGHTSHIP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tightship"


def content_key(kind: str, *parts: str | bytes) -> str:
    """The digest naming an entry of `kind` made from `parts` by this tightship."""
    digest = hashlib.sha256(f"{kind}\0{__version__}\0".encode())
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def read_json(name: str) -> Any:
    """The entry `name`, or None when there is none or it does not read."""
    try:
        return json.loads((cache_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_json(name: str, data: Any, *, sort_keys: bool = False) -> None:
    """Keep `data` as the entry `name`, its mappings in their order unless `sort_keys`; a
    reader sees the whole entry or none."""
    place = cache_dir() / name
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=place.parent,
                                         prefix=f".{name}-", delete=False) as out:
            json.dump(data, out, sort_keys=sort_keys)
        os.replace(out.name, place)
    except (OSError, TypeError, ValueError):
        pass  # not writable, or not JSON: the next run does the work again


def pass_marker(kind: str, *parts: str | bytes) -> Path:
    """The empty file whose presence says that work of `kind` on `parts` passed before."""
    return cache_dir() / kind / content_key(kind, *parts)


def passed_before(marker: Path | None) -> bool:
    """Whether the marker is there; a cache folder this user may not search (another user's)
    only means the work is done again."""
    if marker is None:
        return False
    try:
        return marker.exists()
    except OSError:
        return False


def remember_pass(marker: Path | None) -> None:
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # not writable: the next run does the work again
