"""A profile's merged, validated values, kept on disk between runs, keyed by the text of every
file in its `extends` chain.

Parsing the default profile with the round-trip loader (which keeps lines for messages) and
judging it against the schema costs more than rendering a service. A later run whose profile
files read the same takes the values back instead, with layers that parse their file only
when an error needs a line. Only a profile that loaded and validated is kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from generator.render.disk_cache import content_key, read_json, store_json
from generator.yamlio import Layer

FORMAT = 1


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _entry_name(path: Path, text: str) -> str:
    return "profile-" + content_key(f"profile{FORMAT}", str(path), str(path.resolve()),
                                    text) + ".json"


def cached_profile(path: Path, text: str) -> tuple[list[Layer], dict[str, Any]] | None:
    """(layers, merged data) of the profile at `path` whose text is `text`, when every file
    of its chain still reads as it did; else None."""
    entry = read_json(_entry_name(path, text))
    if not isinstance(entry, dict):
        return None
    try:
        files, data = entry["files"], entry["data"]
        layers = [Layer.unparsed(str(path), text, files[0][2])]
        for file, digest, values in files[1:]:
            parent = Path(file).read_text(encoding="utf-8")
            if _digest(parent) != digest:
                return None
            layers.append(Layer.unparsed(file, parent, values))
    except (OSError, UnicodeDecodeError, TypeError, KeyError, ValueError, IndexError):
        return None
    return (layers, data) if isinstance(data, dict) else None


def store_profile(path: Path, layers: list[Layer], data: dict[str, Any]) -> None:
    """Keep a profile that loaded and validated; its layers carry their files' texts."""
    if any(layer.text is None for layer in layers):
        return
    files = [[layer.file, _digest(layer.text or ""), layer.values] for layer in layers]
    store_json(_entry_name(path, layers[0].text or ""), {"files": files, "data": data})
