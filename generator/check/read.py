"""Read one file for `check` without blocking and without reading on and on.

Only regular files are read: the path is stat-ed first (a FIFO, a device or a socket is never
opened), opened with O_NONBLOCK and fstat-ed again (it may have been swapped meanwhile), and at
most MAX_FILE_BYTES are read. What cannot be read is a `NotRead` with the reason, for a TS-P01.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

# Above this a file is refused, not read: the parsers take about a minute for 4 MB of manifests.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Deeper JSON/YAML flow nesting is refused before parsing (the parsers recurse per level).
MAX_FLOW_DEPTH = 200
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class NotRead(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ParseFailure(Exception):
    """A file that reads but does not parse: the parser's reason and position, for a TS-P01."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.column = max(column, 1)



def what_it_is(mode: int) -> str | None:
    """'a FIFO', 'a socket', …, for what is not a regular file; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "file not found"
    if exc.errno == errno.ELOOP:
        return "a symlink loop (or too many symlinks): not read"
    return f"cannot read: {exc.strerror or exc}"


def _too_large(size: int) -> NotRead:
    return NotRead(f"{size:,} bytes, more than the {MAX_FILE_BYTES:,} bytes check reads in "
                   "one file: not read")


def read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or NotRead saying why not."""
    try:
        kind = what_it_is(os.stat(path).st_mode)
    except OSError as exc:
        raise NotRead(os_reason(exc)) from None
    if kind is not None:
        raise NotRead(f"{kind}, not a regular file: not read")
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        raise NotRead(os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        kind = what_it_is(info.st_mode)
        if kind is not None:
            raise NotRead(f"{kind}, not a regular file: not read")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(info.st_size)
        chunks, total = [], 0
        while total <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_FILE_BYTES:  # it grew while being read
            raise _too_large(total)
        return b"".join(chunks)
    except OSError as exc:
        raise NotRead(os_reason(exc)) from None
    finally:
        os.close(fd)


def parse_trouble(exc: BaseException) -> str | None:
    """A parser's RecursionError or too-long number as a finding's message; None otherwise."""
    if isinstance(exc, RecursionError):
        return "the file nests too deeply to read"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        return (f"a number with more than {sys.get_int_max_str_digits()} digits, longer than "
                "any setting can use")
    return None


def flow_depth(text: str, limit: int) -> int:
    """How deep `[`/`{` nest outside quoted strings, counted up to just past `limit`.

    Cheap for ordinary files: the scan runs only when there are more openers than `limit`.
    A quote it misreads (an apostrophe in plain YAML) can only hide brackets, never add any.
    """
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = deepest = 0
    quote = ""
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char in "\"'":
            quote = char
    return deepest
