"""Plan and write rendered files: create / identical / conflict, all or nothing, never clobbering.

A plan is made for every file first, comparing bytes (a file rewritten with CRLF endings
differs). Writing holds a lock on the output folder, plans again under it, and then replaces the
whole set at once (`atomic.replace_all`): a differing file is never replaced without `force`,
however runs interleave.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from generator.errors import ConflictError, UserError
from generator.render import atomic
from generator.render.basis import RECORD_FILE, record_text

# A file's status against what would be written: new, the same bytes, or in conflict (differs).
CREATE, IDENTICAL, CONFLICT = "create", "identical", "conflict"
# What was done to it once written: a conflict that was written was replaced.
DONE = {CREATE: "create", IDENTICAL: "identical", CONFLICT: "replace"}


class PlannedFile(NamedTuple):
    """One file to write, and how it compares with what is on disk."""

    path: Path
    relative: str
    text: str
    status: str  # create | identical | conflict (differs from what would be written)
    current: str | None  # what is on disk now, decoded, for diffs
    on_disk: bytes | None = None  # what is on disk now, as compared

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    def diff(self) -> str:
        import difflib  # only --check and update show diffs: a render never loads it

        old = (self.current or "").splitlines(keepends=True)
        new = self.text.splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.relative}", f"b/{self.relative}"))


def _status(data: bytes, on_disk: bytes | None) -> str:
    return CREATE if on_disk is None else IDENTICAL if on_disk == data else CONFLICT


def _on_disk(path: Path) -> bytes | None:
    try:
        return atomic.read_current(path)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}", field="out") from None


def _refuse_odd_places(out_dir: Path, path: Path) -> None:
    """The output folder and every folder on the way must be folders, the target a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} is not a folder (--out names the folder to write into)",
                        field="out")
    probe = path.parent
    while probe != out_dir and probe != probe.parent:
        if probe.exists() and not probe.is_dir():
            raise UserError(f"{probe} is not a folder, so {path.name} cannot be written in it",
                            field="out")
        probe = probe.parent
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UserError(f"{path} exists and is not a regular file; not touching it",
                        field="out")


def plan(files: dict[str, str], out_dir: Path) -> list[PlannedFile]:
    planned = []
    root = out_dir.resolve()
    for relative, text in files.items():
        path = out_dir / relative
        if root not in path.resolve().parents:
            raise UserError(f"refusing to write outside {out_dir}: {relative}", field="out")
        _refuse_odd_places(out_dir, path)
        on_disk = _on_disk(path)
        current = None if on_disk is None else on_disk.decode("utf-8", errors="replace")
        data = text.encode("utf-8")
        planned.append(PlannedFile(path, relative, text, _status(data, on_disk), current,
                                   on_disk))
    return planned


def changes(planned: list[PlannedFile]) -> list[PlannedFile]:
    return [p for p in planned if p.status != IDENTICAL]


def _refuse_conflicts(planned: Sequence[PlannedFile], force: bool,
                      may_replace: frozenset[Path] = frozenset()) -> None:
    conflicts = [p for p in planned if p.status == CONFLICT and p.path not in may_replace]
    if conflicts and not force:
        names = ", ".join(str(p.path) for p in conflicts)
        raise ConflictError(f"conflict: would overwrite files that differ from this render: "
                            f"{names} "
                            "(run with --check to see the diff, --force to replace them)")


def _mode(item: PlannedFile) -> int:
    if item.on_disk is not None:
        return os.stat(item.path, follow_symlinks=False).st_mode & 0o777
    return 0o755 if item.text.startswith("#!") else 0o644  # a script (#!) runs


def _replan(planned: Sequence[PlannedFile]) -> list[PlannedFile]:
    """The plan again, as the disk is now (under the lock)."""
    fresh = []
    for item in planned:
        if item.path.is_symlink() or (item.path.exists() and not item.path.is_file()):
            raise UserError(f"{item.path} exists and is not a regular file; not touching it",
                            field="out")
        on_disk = _on_disk(item.path)
        current = None if on_disk is None else on_disk.decode("utf-8", errors="replace")
        fresh.append(item._replace(status=_status(item.data, on_disk), current=current,
                             on_disk=on_disk))
    return fresh


def write(planned: list[PlannedFile], *, force: bool,
          may_replace: frozenset[Path] = frozenset()) -> list[PlannedFile]:
    """Write every created or updated file, all or nothing; updates need `force`, except for
    the paths in `may_replace` (tightship's own record of the last render).

    Returns the plan as it was carried out (a file another run wrote identically meanwhile
    is then `identical`).
    """
    _refuse_conflicts(planned, force, may_replace)
    if not changes(planned):
        return list(planned)
    folder = Path(os.path.commonpath([str(p.path.parent) for p in planned]))
    created: list[Path] = []
    try:
        atomic.make_folders([folder], created)
        with atomic.locked(folder):
            for parent in sorted({p.path.parent for p in planned}):
                atomic.remove_leftovers(parent)
            fresh = _replan(planned)
            _refuse_conflicts(fresh, force, may_replace)  # as things are now, under the lock
            todo = changes(fresh)
            atomic.make_folders(sorted({p.path.parent for p in todo}), created)
            atomic.replace_all([atomic.Replacement(p.path, p.data, p.on_disk, _mode(p))
                                for p in todo])
    except BaseException:
        atomic.remove_folders(created)
        raise
    return fresh


def atomic_write(path: Path, text: str) -> None:
    """Replace one file at once (a temp file, fsync, rename): readers see the old or the new.

    A symlink is followed (the file it names is replaced, not the link); a device, FIFO or
    folder at the path is refused, never replaced by a file.
    """
    path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        raise UserError(f"{path} is not a regular file; not replacing it", file=str(path))
    created: list[Path] = []
    try:
        atomic.make_folders([path.parent], created)
        mode = (path.stat().st_mode & 0o777 if path.exists()
                else 0o755 if text.startswith("#!") else 0o644)
        atomic.replace_all([atomic.Replacement(path, text.encode("utf-8"), None, mode,
                                               check=False)])
    except BaseException:
        atomic.remove_folders(created)
        raise


def record_plan(files: dict[str, str], out_dir: Path) -> PlannedFile:
    """The record of this render, planned like any output (it is always safe to replace)."""
    return plan({RECORD_FILE: record_text(files)}, out_dir)[0]


def refuse_overwrites(planned: Sequence[PlannedFile]) -> None:
    """`render` without --force: a file that differs from this render is the user's."""
    differ = [p for p in planned if p.status == CONFLICT]
    if differ:
        names = ", ".join(str(p.path) for p in differ)
        raise ConflictError(f"conflict: would overwrite files that differ from this render: "
                            f"{names} (`tightship update` merges this render into them and keeps "
                            f"the edits; --check shows "
                            "the diff, --force replaces them)")
