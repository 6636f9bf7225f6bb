"""Plan and write rendered files: create / identical / update, atomically, never clobbering.

A plan is made for every file first; nothing is written unless the whole plan can go through.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConflictError, UserError

CREATE, IDENTICAL, UPDATE = "create", "identical", "update"


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    relative: str
    text: str
    status: str  # create | identical | update
    current: str | None  # what is on disk now, for diffs

    def diff(self) -> str:
        old = (self.current or "").splitlines(keepends=True)
        new = self.text.splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.relative}", f"b/{self.relative}"))


def plan(files: dict[str, str], out_dir: Path) -> list[PlannedFile]:
    planned = []
    root = out_dir.resolve()
    for relative, text in files.items():
        path = (out_dir / relative)
        if root not in path.resolve().parents:
            raise UserError(f"refusing to write outside {out_dir}: {relative}", field="out")
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise UserError(f"{path} exists and is not a regular file; not touching it",
                            field="out")
        current = None
        if path.exists():
            try:
                current = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UserError(f"cannot read {path}: {exc}", field="out") from None
        status = CREATE if current is None else IDENTICAL if current == text else UPDATE
        planned.append(PlannedFile(path, relative, text, status, current))
    return planned


def changes(planned: list[PlannedFile]) -> list[PlannedFile]:
    return [p for p in planned if p.status != IDENTICAL]


def write(planned: list[PlannedFile], *, force: bool) -> None:
    """Write every created or updated file; updates need `force` (they differ from disk)."""
    conflicts = [p for p in planned if p.status == UPDATE]
    if conflicts and not force:
        names = ", ".join(str(p.path) for p in conflicts)
        raise ConflictError(f"would overwrite files that differ: {names} "
                            "(run with --check to see the diff, --force to replace them)")
    for item in planned:
        if item.status != IDENTICAL:
            atomic_write(item.path, item.text)


def atomic_write(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:  # a script (#!) is written executable, everything else plain
            os.chmod(tmp, 0o755 if text.startswith("#!") else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
