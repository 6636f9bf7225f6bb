"""Replace a set of files all at once, or not at all.

Every new file is first written in full to a temp file beside its target; only when all of them
are on disk are they renamed into place. If anything fails, the renames already done are undone
(the old files come back from hard-linked backups) and the error names the path and the reason.

Temp files and backups are named `.tightship~PID~TOKEN~new|old~NAME`, and each temp file is
flock-ed by the process writing it. A later run removes only such names that are regular files
owned by the same user, whose process is gone and whose lock is free: its own litter after a
kill, never a file someone else put there.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from generator.errors import ConflictError, UserError

MARK = ".tightship~"
LEFTOVER_RE = re.compile(r"^\.tightship~(?P<pid>\d+)~[0-9a-f]{8}~(?:new|old)~.+$")
LOCK_WAIT_SECONDS = 30.0
# link() is how a create never replaces a file that appeared meanwhile; some file systems lack it
NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV,
            errno.ENOSYS}


class WriteFailed(UserError):
    """A place that cannot be written (full, read-only, not permitted): bad input, exit 2."""

    def __init__(self, path: Path, exc: OSError, undone: str = "nothing was changed"):
        reason = exc.strerror or type(exc).__name__
        super().__init__(f"cannot write: {reason}; {undone}", file=str(path))
        self.errno = exc.errno


class Changed(ConflictError):
    """A file changed on disk while it was being written; nothing was replaced."""


class Replacement(NamedTuple):
    """One file to put in place, and what must be on disk just before."""

    path: Path
    data: bytes
    expected: bytes | None  # what must be on disk just before the replace (None: no file)
    mode: int
    check: bool = True  # False: replace whatever is there (a command's own output file)


def temp_name(path: Path, token: str, kind: str) -> Path:
    return path.with_name(f"{MARK}{os.getpid()}~{token}~{kind}~{path.name}")


# ------------------------------------------------------------------------------ the lock


@contextmanager
def locked(folder: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on the output folder: one tightship writes into it at a time."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise WriteFailed(folder, exc) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ConflictError(f"another tightship run has been writing into {folder} "
                                        f"for {wait:.0f}s; nothing was written") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


# ------------------------------------------------------------------------------ leftovers


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, someone else's
        return False
    return False


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove temp files and backups a killed tightship run left in `folder`; return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = LEFTOVER_RE.match(entry.name)
        if not match or not _process_gone(int(match.group("pid"))):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a live writer holds it
            except OSError:
                continue
            if os.path.samestat(info, os.lstat(entry.path)):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


# ------------------------------------------------------------------------------ replacing


def read_current(path: Path) -> bytes | None:
    """The bytes at `path` now, None if there is no file (never follows a symlink)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def make_folders(folders: Sequence[Path], created: list[Path]) -> None:
    """Create missing folders (parents first), noting each one made, so a rollback can remove it."""
    for folder in folders:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for item in reversed(missing):
            try:
                os.mkdir(item)
            except FileExistsError:
                continue
            except OSError as exc:
                raise WriteFailed(item, exc) from None
            created.append(item)


def remove_folders(created: list[Path]) -> None:
    for folder in reversed(created):
        try:
            os.rmdir(folder)
        except OSError:
            pass


def _write_temp(item: Replacement, token: str) -> tuple[Path, int]:
    tmp = temp_name(item.path, token, "new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # marks it as in use for any cleaner
        view = memoryview(item.data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, item.mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return tmp, fd


def _link_or_none(source: Path, target: Path) -> bool:
    """Hard-link `source` to `target`; False where the file system has no hard links."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in NO_LINKS:
            return False
        raise
    return True


def replace_all(items: Sequence[Replacement]) -> None:
    """Write every item's temp file, then put them all in place; on failure, undo it all.

    Each item's target must still hold `expected` just before it is replaced, or nothing is
    (Changed).
    """
    token = os.urandom(4).hex()  # what secrets.token_hex(4) is, without importing hmac
    temps: list[tuple[Path, int]] = []
    done: list[tuple[Replacement, Path | None, bytes | None]] = []  # item, backup, old bytes
    try:
        for item in items:
            try:
                temps.append(_write_temp(item, token))
            except OSError as exc:
                raise WriteFailed(item.path, exc) from None
        for item, (tmp, _fd) in zip(items, temps, strict=True):
            done.append(_install(item, tmp, token))
        _sync_folders({item.path.parent for item in items})
    except BaseException as exc:
        problems = _undo(done)
        for tmp, _fd in temps:
            _unlink_quietly(tmp)
        if problems and isinstance(exc, WriteFailed):
            exc.message = exc.message.replace("nothing was changed",
                                              f"could not put back {', '.join(problems)}")
        raise
    finally:
        for _tmp, fd in temps:
            os.close(fd)
    for _item, backup, _old in done:
        if backup is not None:
            _unlink_quietly(backup)


def _install(item: Replacement, tmp: Path, token: str) -> tuple[Replacement, Path | None,
                                                                  bytes | None]:
    path = item.path
    if item.check:
        try:
            current = read_current(path)
        except OSError as exc:
            raise WriteFailed(path, exc) from None
        if current != item.expected:
            raise Changed(f"{path} changed while tightship was writing; nothing was changed "
                          "(run again to see what differs)")
    try:
        if not os.path.lexists(path):
            # a create: link() fails if a file appeared since the check above
            try:
                linked = _link_or_none(tmp, path)
            except FileExistsError:
                raise Changed(f"{path} appeared while tightship was writing; nothing was "
                              "changed (run again to see what differs)") from None
            if not linked:
                os.rename(tmp, path)
            else:
                os.unlink(tmp)
            return item, None, None
        backup = temp_name(path, token, "old")
        kept = _link_or_none(path, backup)
        old = None if kept else read_current(path)
        os.replace(tmp, path)
        return item, backup if kept else None, old
    except OSError as exc:
        raise WriteFailed(path, exc) from None


def _undo(done: list[tuple[Replacement, Path | None, bytes | None]]) -> list[str]:
    """Put back what each install replaced, newest first; the paths that could not be."""
    problems = []
    for item, backup, old in reversed(done):
        try:
            if backup is None and old is None:  # it was a create
                os.unlink(item.path)
            elif backup is not None:
                os.replace(backup, item.path)
            elif old is not None:  # no hard links here: write the old bytes back
                replace_all([Replacement(item.path, old, read_current(item.path), item.mode)])
        except (OSError, UserError, ConflictError):
            problems.append(str(item.path))
    return problems


def _sync_folders(folders: set[Path]) -> None:
    """fsync each folder, so the renames survive a crash (best effort: not every fs allows it)."""
    for folder in sorted(folders):
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
