"""Which files `check` reads: walk folders without hanging, without following symlinked
folders, and without passing over what could not be read.

A FIFO, device or socket met in a folder is skipped with a note, never opened; a folder that
cannot be listed is a problem (a TS-P01 for it), not silence. The walk is iterative, so a deep
tree cannot exhaust the stack.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.read import os_reason, what_it_is

# The walk and the shown name both resolve each file, the second right after the first.
_RESOLVED: dict[str, str] = {}


def real_path(path: Path | str) -> str:
    """os.path.realpath (never raises, even on a symlink loop), remembered for a while."""
    key = os.fspath(path)
    if key not in _RESOLVED:
        _remember(key, os.path.realpath(key))
    return _RESOLVED[key]


def _remember(path: str, real: str) -> None:
    if len(_RESOLVED) > 256:  # memory stays flat however many files there are
        _RESOLVED.clear()
    _RESOLVED[path] = real


@dataclass
class Discovery:
    """What a walk of the given paths found: files to check, and what it left out."""

    files: list[tuple[Path, bool]] = field(default_factory=list)  # (path, named explicitly)
    problems: list[tuple[Path, str]] = field(default_factory=list)  # folders not read
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # what, and what it is

    def __post_init__(self) -> None:
        self._seen: set[str] = set()

    def first_time(self, path: Path, real: str | None = None) -> bool:
        if real is not None:
            _remember(os.fspath(path), real)
        key = real_path(path)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


def discover(paths: Sequence[str | Path], wanted: Callable[[str], bool],
             skip_dirs: Container[str]) -> Discovery:
    """Files to check, in a stable order; `wanted(name)` says which names in a folder count."""
    found = Discovery()
    found.files.extend(iter_files(paths, wanted, skip_dirs, found))
    return found


def iter_files(paths: Sequence[str | Path], wanted: Callable[[str], bool],
               skip_dirs: Container[str], found: Discovery) -> Iterator[tuple[Path, bool]]:
    """(path, named explicitly) one at a time as the walk finds them, so each can be checked
    before the next is looked for; what is skipped or unreadable is added to `found`.
    The files of one folder come together, before those of its subfolders."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, wanted, skip_dirs, found)
        elif found.first_time(path):
            yield path, True  # read_bounded says what it is if it is not a file


def _walk(top: Path, wanted: Callable[[str], bool], skip_dirs: Container[str],
          found: Discovery) -> Iterator[tuple[Path, bool]]:
    # (folder, its real path): a subfolder that is not a symlink (symlinked ones are not
    # entered) resolves to real/name, so only the top is resolved
    stack = [(top, os.path.realpath(top))]
    while stack:
        folder, real_folder = stack.pop()
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
                    subfolders.append((folder / entry.name,
                                       os.path.join(real_folder, entry.name)))
                continue
            if not wanted(entry.name):
                continue
            kind = _special(entry)
            path = folder / entry.name
            if kind is not None:
                found.skipped.append((path, kind))
            elif found.first_time(path, None if _maybe_symlink(entry)
                                  else os.path.join(real_folder, entry.name)):
                yield path, False
        stack.extend(reversed(subfolders))


def _maybe_symlink(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:  # cannot tell: resolve it
        return True


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _special(entry: os.DirEntry[str]) -> str | None:
    """What a folder entry is when it is neither a file nor a folder (after symlinks)."""
    try:
        mode = entry.stat().st_mode
    except OSError:  # a dangling link or a loop: read_bounded reports it
        return None
    kind = what_it_is(mode)
    return None if stat.S_ISDIR(mode) else kind
