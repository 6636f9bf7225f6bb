"""One file to check: its shown name, its text and kind, its documents and findings; and how
a path on disk becomes one (read bounded, decoded, its kind told, or a TS-P01 saying why not).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.check.discover import real_path
from generator.check.kinds import kind_from_name, kind_of
from generator.check.model import Finding, Hit, Rule
from generator.check.read import NotRead, read_bounded
from generator.check.rules.meta import PARSE_RULE


@dataclass
class Source:
    """One file to check: its name as shown, its text, and what kind it is."""

    name: str
    text: str
    kind: str | None
    explicit: bool = True  # named on the command line (an unknown kind is then reported)
    path: Path | None = None
    docs: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)



def display(path: Path) -> str:
    """The path as shown: relative to the working folder when under it (symlinks resolved by
    realpath, not resolve: a symlink loop is reported by its reader, not raised here)."""
    real = real_path(path)
    cwd = _real_cwd(os.getcwd())
    if real == cwd:
        return "."
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if real.startswith(prefix):
        return real[len(prefix):].replace(os.sep, "/")
    return path.as_posix()



@functools.lru_cache(maxsize=8)
def _real_cwd(cwd: str) -> str:
    return os.path.realpath(cwd)


def read_source(path: Path, explicit: bool) -> Source:
    name = display(path)
    try:
        data = read_bounded(path)
    except NotRead as exc:
        return failed(Source(name, "", None, explicit, path), exc.message)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not explicit and kind_from_name(name) == "text":
            return Source(name, "", None, explicit, path)  # a binary met in a folder: not ours
        line = data[:exc.start].count(b"\n") + 1
        return failed(Source(name, "", None, explicit, path),
                       f"not UTF-8 text (byte {exc.start})", line)
    return Source(name, text, kind_of(name, text), explicit, path)


def failed(src: Source, message: str, line: int = 1, column: int = 1) -> Source:
    src.findings.append(finding(PARSE_RULE, src.name, Hit(line, column, message)))
    return src


def finding(rule: Rule, file: str, hit: Hit) -> Finding:
    return Finding(file=file, line=hit.line, column=hit.column, rule=rule.id,
                   severity=rule.severity, message=hit.message or rule.message, hint=rule.hint)

