"""`tightship pin`: refresh the digests a profile pins, keeping every comment in the file.

The registry is asked through the Docker SDK (resolve.lookup_digest); the profile is rewritten
with ruamel.yaml's round-trip mode, atomically, and only where a digest really changed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UserError
from generator.imageref import DIGEST, parse_ref
from generator.render.writer import atomic_write
from generator.yamlio import load_file, round_trip_yaml


@dataclass(frozen=True)
class PinChange:
    key: str
    ref: str
    old: str | None
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def pin_profile(path: Path, lookup: Callable[[str], str], *, only: tuple[str, ...] = (),
                today: dt.date | None = None, write: bool = True) -> list[PinChange]:
    """Look up each image's digest; update `digest` and `pinned` in place where it moved."""
    node = load_file(path, what="profile")
    images = node.get("images") if isinstance(node, dict) else None
    if not isinstance(images, dict):
        raise UserError("this profile pins no images (no `images` mapping)", file=str(path),
                        field="images")
    unknown = [k for k in only if k not in images]
    if unknown:
        raise UserError(f"no image {', '.join(unknown)} in this profile", file=str(path),
                        field="images")
    date = (today or dt.date.today()).isoformat()
    changes = []
    for key, entry in images.items():
        if only and key not in only:
            continue
        ref = str(entry["ref"])
        parse_ref(ref)  # refuse anything that is not an image name before asking a registry
        digest = lookup(ref)
        if not re.match(DIGEST, digest or ""):
            raise UserError(f"the registry returned no sha256 digest for {ref}: {digest!r}",
                            file=str(path), field=f"images.{key}")
        change = PinChange(key, ref, entry.get("digest"), digest)
        if change.changed:
            entry["digest"] = digest
            entry["pinned"] = date
        changes.append(change)
    if write and any(c.changed for c in changes):
        out = io.StringIO()
        yaml = round_trip_yaml()
        yaml.width = 4096  # never fold a long reference onto two lines
        yaml.dump(node, out)
        atomic_write(path, out.getvalue())
    return changes
