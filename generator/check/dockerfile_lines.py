"""A Dockerfile's instructions as dockerfile-parse's `structure` gives them, without importing
it (it and the logging it loads are about 13 ms of a cold start, a tenth of a first render's
self-check). Only the default escape character is read here: a file whose leading comments
may set another one is left to dockerfile-parse. tests/test_check_dockerfile_lines.py holds
the two to the same items on every Dockerfile the tests know and on generated ones.

What is read as dockerfile-parse reads it: lines end at "\\n" only; a line whose first
non-blank character is `#` is a comment, even inside a continued instruction, and is left out
here; an instruction is its first word (upper-cased) and the rest of the line; a line that ends
in a backslash (blanks after it allowed) goes on to the next non-comment line, whose text is
added as it is (its leading blanks too, unless nothing was gathered yet); a blank line ends
it; an instruction still continued at the end of the file is dropped.
"""

from __future__ import annotations

import re
from typing import Any

_COMMENT = re.compile(r"\s*#")
_INSTRUCTION = re.compile(r"\s*(\S+)\s+(.*)$")
_ESCAPE = re.compile(r"\s*#\s*escape\s*=", re.IGNORECASE)


def instructions(text: str) -> list[dict[str, Any]] | None:
    """Each instruction: {"instruction", "startline", "endline" (0-based), "value"}; None when
    a leading comment may be an escape directive."""
    lines = text.split("\n")
    ends = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        ends.append(lines[-1])
    for line in ends:
        if not _COMMENT.match(line):
            break
        if _ESCAPE.match(line):
            return None
    found: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    continued = False
    for number, line in enumerate(ends):
        if _COMMENT.match(line):
            continue
        if not continued:
            match = _INSTRUCTION.match(line)
            if not match:
                continue
            current = {"instruction": match.group(1).upper(), "startline": number,
                       "endline": number, "value": _without_continuation(match.group(2))}
        else:
            assert current is not None
            current["endline"] = number
            gathered = line if current["value"] else line.lstrip()
            current["value"] += _without_continuation(gathered)
        continued = line.rstrip().endswith("\\")
        if not continued:
            found.append(current)
    return found


def _without_continuation(text: str) -> str:
    text = text.rstrip()
    return text[:-1] if text.endswith("\\") else text
