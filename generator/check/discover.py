"""Which files `check` reads: walk folders without hanging, without following symlinked
folders, and without passing over what could not be read.

A FIFO, device or socket met in a folder is skipped with a note, never opened; a folder that
cannot be listed is a problem (a TS-P01 for it), not silence. The walk is iterative, so a deep
tree cannot exhaust the stack.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.read import os_reason, what_it_is


@dataclass
class Discovery:
    files: list[tuple[Path, bool]] = field(default_factory=list)  # (path, named explicitly)
    problems: list[tuple[Path, str]] = field(default_factory=list)  # folders not read
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # what, and what it is

    def __post_init__(self) -> None:
        self._seen: set[str] = set()

    def add(self, path: Path, explicit: bool) -> None:
        key = os.path.realpath(path)  # never raises, even on a symlink loop
        if key not in self._seen:
            self._seen.add(key)
            self.files.append((path, explicit))


def discover(paths: Sequence[str | Path], wanted: Callable[[str], bool],
             skip_dirs: Container[str]) -> Discovery:
    """Files to check, in a stable order; `wanted(name)` says which names in a folder count."""
    found = Discovery()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            _walk(path, wanted, skip_dirs, found)
        else:
            found.add(path, True)  # read_bounded says what it is if it is not a file
    return found


def _walk(top: Path, wanted: Callable[[str], bool], skip_dirs: Container[str],
          found: Discovery) -> None:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            found.problems.append((folder, f"this folder could not be read, so the files in it "
                                           f"were not checked ({os_reason(exc)})"))
            continue
        subfolders = []
        for entry in entries:
            if _is_dir(entry):
                if entry.name not in skip_dirs and not entry.is_symlink():
                    subfolders.append(Path(entry.path))
                continue
            if not wanted(entry.name):
                continue
            kind = _special(entry)
            if kind is not None:
                found.skipped.append((Path(entry.path), kind))
            else:
                found.add(Path(entry.path), False)
        stack.extend(reversed(subfolders))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _special(entry: os.DirEntry) -> str | None:
    """What a folder entry is when it is neither a file nor a folder (after symlinks)."""
    try:
        mode = entry.stat().st_mode
    except OSError:  # a dangling link or a loop: read_bounded reports it
        return None
    kind = what_it_is(mode)
    return None if stat.S_ISDIR(mode) else kind
