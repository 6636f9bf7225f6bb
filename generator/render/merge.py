"""Three-way merge of one generated file: the last render, the file on disk, this render.

The line matching is merge3's (the merge of bzr and breezy); this module only lays out its
regions, marks conflicts (inline markers or a `.rej` hunk) and remembers which lines of the
result came from the user's edits, so a rule broken by an edit can be traced to its line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

INLINE, REJ = "inline", "rej"
CONFLICT_MODES = (INLINE, REJ)
DISK, LAST, THIS = "on disk", "last render", "this render"
CONFLICT_START = "<<<<<<< "


@dataclass(frozen=True)
class MergedText:
    text: str
    conflicts: tuple[int, ...]  # 1-based line of each conflict in `text`
    on_disk: tuple[int, ...]  # the same conflicts, as lines of the file on disk now
    edited: frozenset[int]  # 1-based lines of `text` that only the edits on disk put there
    rejects: str | None  # rej mode: the hunks of this render that could not be applied


def _lines(text: str | None) -> list[str]:
    return (text or "").splitlines(keepends=True)


def _ended(lines: list[str]) -> list[str]:
    """Lines that each end in a newline, so a marker after them starts a line of its own."""
    return [line if line.endswith(("\n", "\r")) else line + "\n" for line in lines]


def merge_text(name: str, base: str | None, current: str, rendered: str,
               mode: str = INLINE) -> MergedText:
    """Merge into `current` (on disk) the change from `base` (last render) to `rendered`.

    Without a base (nothing recorded), every line where disk and render differ is a conflict:
    there is no telling who changed it.
    """
    if mode not in CONFLICT_MODES:
        raise ValueError(f"conflict mode {mode!r}")
    o, a, b = _lines(base), _lines(current), _lines(rendered)
    import merge3  # only `update` and `render --check` merge: a plain render never loads it

    m = merge3.Merge3(o, a, b)
    merged = m.merge_regions()
    # the regions' tuples differ in length by kind: a conflict also holds both sides' ranges
    regions: Iterable[tuple[Any, ...]] = (m.reprocess_merge_regions(merged) if base is None
                                          else merged)
    out: list[str] = []
    conflicts: list[int] = []
    on_disk: list[int] = []
    edited: set[int] = set()
    hunks: list[str] = []
    for region in regions:
        kind = region[0]
        if kind == "unchanged":
            out += o[region[1]:region[2]]
        elif kind == "same":
            out += a[region[1]:region[2]]
        elif kind == "b":
            out += b[region[1]:region[2]]
        elif kind == "a":
            start = len(out)
            out += a[region[1]:region[2]]
            edited.update(range(start + 1, len(out) + 1))
        else:  # conflict: both sides changed these lines
            _, zs, ze, as_, ae, bs, be = region
            line = len(out) + 1
            conflicts.append(line)
            on_disk.append(as_ + 1)
            ours, theirs = a[as_:ae], b[bs:be]
            theirs_base = o[zs:ze] if zs is not None else []
            if mode == INLINE:
                out.append(f"{CONFLICT_START}{name} ({DISK})\n")
                out += _ended(ours)
                if base is not None:
                    out.append(f"||||||| {name} ({LAST})\n")
                    out += _ended(theirs_base)
                out.append("=======\n")
                out += _ended(theirs)
                out.append(f">>>>>>> {name} ({THIS})\n")
            else:  # keep the lines on disk; the render's change goes to the .rej file
                out += ours
                edited.update(range(line, len(out) + 1))
                hunks.append(_hunk(name, line, zs, theirs_base, bs, theirs))
    rejects = None
    if hunks:
        rejects = (f"# tightship update: the changes of this render that could not be applied "
                   f"to {name},\n# because the file on disk changes the same lines. Apply them "
                   "by hand, then delete this file.\n"
                   f"--- {name} ({LAST})\n+++ {name} ({THIS})\n" + "".join(hunks))
    return MergedText("".join(out), tuple(conflicts), tuple(on_disk), frozenset(edited),
                      rejects)


def _hunk(name: str, line: int, base_at: int | None, removed: list[str], added_at: int,
          added: list[str]) -> str:
    """One unified-diff hunk (no context) of the change the render wanted to make."""
    old = f"{(base_at or 0) + (1 if removed else 0)},{len(removed)}"
    new = f"{added_at + (1 if added else 0)},{len(added)}"
    body = "".join(f"-{x}" for x in _ended(removed)) + "".join(f"+{x}" for x in _ended(added))
    return f"@@ -{old} +{new} @@ conflicts with {name}:{line} {DISK}\n{body}"


def unified(name: str, before: str | None, after: str) -> str:
    """The diff a reader sees for a file: from what is on disk to what would be written."""
    return "".join(difflib.unified_diff(_lines(before), _lines(after), f"a/{name}",
                                        f"b/{name}"))
