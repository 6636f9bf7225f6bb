"""Reading AppArmor profiles: rule lines without comments, and profile headers."""

from __future__ import annotations

import re
from typing import Iterator

from generator.rules.documents import TextDoc

HEADER = re.compile(r"^\s*(?:profile\s+(?P<name>\S+)|(?P<path>/\S*))\s*(?:(?P<attach>/\S*)\s*)?"
                    r"(?:flags\s*=\s*\((?P<flags>[^)]*)\))?\s*\{")


def rule_lines(doc: TextDoc) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) for each rule or header line, comments removed."""
    for number, text in doc.numbered():
        stripped = text.lstrip()
        if stripped.startswith("#include") or stripped.startswith("include "):
            continue
        body = re.sub(r"#.*$", "", text).rstrip()
        if body.strip():
            yield number, len(text) - len(stripped) + 1, body.strip()
