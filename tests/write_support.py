"""Real places that cannot be written (a full tmpfs, a read-only bind mount), and what is on disk.

As root the conditions are real mounts, removed afterwards; otherwise a read-only folder is a
chmod, and a full file system cannot be made (those tests skip).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

IS_ROOT = os.geteuid() == 0
REPO = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder`, hidden ones too: (kind, mode, bytes) by relative path."""
    found: dict[str, tuple] = {}
    if not folder.exists():
        return found
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        rel = path.relative_to(folder).as_posix()
        if stat.S_ISDIR(info.st_mode):
            found[rel] = ("dir", stat.S_IMODE(info.st_mode))
        elif stat.S_ISLNK(info.st_mode):
            found[rel] = ("link", os.readlink(path))
        else:
            found[rel] = ("file", stat.S_IMODE(info.st_mode), path.read_bytes())
    return found


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True, timeout=30)


@contextmanager
def small_tmpfs(target: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `target`, which fills up for real."""
    if not IS_ROOT:
        pytest.skip("a full file system needs a tmpfs mount, which needs root")
    target.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(target))
    try:
        yield target
    finally:
        _umount(target)


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """`folder` made read-only: a read-only bind mount as root, else chmod a-w."""
    if IS_ROOT:
        _mount("--bind", str(folder), str(folder))
        try:
            _mount("-o", "remount,ro,bind", str(folder))
            yield folder
        finally:
            _umount(folder)
    else:
        mode = stat.S_IMODE(folder.stat().st_mode)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)


def fill(folder: Path) -> None:
    """Fill the file system under `folder` to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def run_python(code: str, *args: str, cwd: Path, timeout: float = 120,
               wait: bool = True) -> subprocess.CompletedProcess | subprocess.Popen:
    """`python -c code args…` from the repository, as a separate process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", code, *args]
    if not wait:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]
