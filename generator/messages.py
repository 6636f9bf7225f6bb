"""Values echoed in messages are cut to a readable length: one line stays one line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Enough to recognise a value; a 100 kB value echoed whole would bury the message.
MAX_SHOWN = 80
# The whole message, as a last guard: every value in it should already be cut to MAX_SHOWN.
MAX_MESSAGE = 400


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """`text`, cut to `limit` characters with a note of how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """repr() of a value for a message, cut to `limit` characters."""
    return clip(repr(value), limit)


_PLAIN_KEY = r"^[A-Za-z0-9_.-]+$"  # compiled on the first message that names a field


def dotted(path: Iterable[Any]) -> str:
    """`("build", "sources", 0)` → `build.sources[0]`: how fields are named in messages."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif re.match(_PLAIN_KEY, str(step)):
            text += ("." if text else "") + str(step)
        else:  # odd keys are quoted, so a message stays one printable line
            text += f"[{str(step)!r}]"
    return text
