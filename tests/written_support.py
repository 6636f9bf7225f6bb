"""Whether a rendered file reads back as the values it carries (generator/written.py).

The self-check judges those values instead of reading the text, so they must be exactly what
the checker's own plain reader gets from the text: the same keys in the same order, the same
types (1, 1.0 and True are equal in Python, but not to a rule) and the same values.
"""

from __future__ import annotations

import json
from typing import Any

from generator.check.yamlread import parse_yaml_stream
from generator.written import WrittenText


def same(left: Any, right: Any) -> bool:
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


def read_back(name: str, text: str) -> list[Any]:
    """What the checker reads from the text alone (a plain `str`, so nothing is carried)."""
    text = str(text)
    if name.endswith(".json"):
        return [json.loads(text)]
    return parse_yaml_stream(name, text, positions=False)


def misread(files: dict[str, str]) -> str | None:
    """The first file whose text reads back as other values than it carries, else None."""
    for name, text in files.items():
        if isinstance(text, WrittenText) and not same(read_back(name, text),
                                                      list(text.documents)):
            return name
    return None
