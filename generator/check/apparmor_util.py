"""Reading AppArmor profiles: rule lines without comments, and profile headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import TextDoc

HEADER = re.compile(r"^\s*(?:profile\s+(?P<name>\S+)|(?P<path>/\S*))\s*(?:(?P<attach>/\S*)\s*)?"
                    r"(?:flags\s*=\s*\((?P<flags>[^)]*)\))?\s*\{")


def code_chars(line: str) -> Iterator[tuple[int, str]]:
    """(1-based column, char) of a line up to its comment: quotes and backslash escapes kept
    apart, so `"/a#b"` and `\\{` are not a comment and not a block."""
    quoted = escaped = False
    for column, char in enumerate(line, start=1):
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
            continue
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return
        yield column, char


def strip_comment(line: str) -> str:
    if "#" not in line:  # most lines: nothing to strip, no need to walk quotes and escapes
        return line
    end = 0
    for column, _ in code_chars(line):
        end = column
    return line[:end]


def rule_lines(doc: TextDoc) -> list[tuple[int, int, str]]:
    """(line, column, text) for each rule or header line, comments removed (read once per
    profile: every AppArmor rule asks)."""
    lines: list[tuple[int, int, str]] | None = doc.memo.get("rule_lines")
    if lines is None:
        lines = doc.memo["rule_lines"] = list(_rule_lines(doc))
    return lines


def _rule_lines(doc: TextDoc) -> Iterator[tuple[int, int, str]]:
    for number, text in doc.numbered():
        stripped = text.lstrip()
        if stripped.startswith("#include") or stripped.startswith("include "):
            continue
        body = strip_comment(text).rstrip()
        if body.strip():
            yield number, len(text) - len(stripped) + 1, body.strip()
