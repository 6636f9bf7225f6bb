"""Bounds on YAML before it is built: no alias bomb, no recursion, no absurd depth or number.

ruamel.yaml builds aliases as shared references, so a 1 kB "billion laughs" file loads at once
and then hangs whatever walks it (validation, merging, copying); a self-referencing alias
makes a cycle that ends in RecursionError; 100,000 nested brackets exhaust the stack; an
integer of more than 4,300 digits cannot be built at all. The parser's event stream shows all
of these without building anything, with the line of each: that is what is read here.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
)

from generator.errors import UserError
from generator.messages import dotted

# An answers file is about a hundred values and a profile a few hundred: these leave room.
MAX_NODES = 10_000  # values once every alias is expanded
MAX_DEPTH = 32  # nested mappings and sequences
MAX_NUMBER_DIGITS = 100  # no field takes more than a few digits
_NUMBER = r"^[-+]?([0-9][0-9_]*|0[xob][0-9a-fA-F_]+)$"  # compiled on the first long scalar


class BoundExceeded(UserError):
    """A bound the text passes: refused before anything is built."""


_BRACKET = re.compile(r"[\[\]{}]")


def deep_flow_prefix(text: str) -> str | None:
    """The text up to the bracket where the brackets, counted plainly (quotes and comments
    too), first open more than MAX_DEPTH levels; None when they never do.

    ruamel's scanner looks up to 1,024 characters ahead for a key at every flow bracket, so
    reaching the refusal in 100,000 nested brackets costs it about a second, however early the
    bound is passed; the prefix parses at once. A bound the prefix passes is passed by the whole
    text (its events are the whole text's first events); where the prefix passes none (the
    brackets were in a string), the whole text is read as usual."""
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text[:match.end()]
        elif depth:
            depth -= 1
    return None


class _Open:
    """One open mapping or sequence: its anchor, its expanded size, where the reader is in it."""

    def __init__(self, anchor: str | None, mapping: bool) -> None:
        self.anchor = anchor
        self.size = 1
        self.mapping = mapping
        self.step: Any = None if mapping else 0  # the current key, or the current index
        self.at_key = mapping  # a mapping's next node is a key

    def took(self, node: Any, size: int) -> None:
        """A whole child (key, value or item) was read."""
        self.size += size
        if self.mapping:
            if self.at_key:
                self.step = node if isinstance(node, str) else "?"
            self.at_key = not self.at_key
        else:
            self.step += 1


def _field(frames: list[_Open]) -> str | None:
    path = [frame.step for frame in frames if frame.step is not None]
    return dotted(path) or None


class Bounds:
    """The bounds, judged one parser event at a time: `see` raises a UserError naming the file,
    line and field at the first event past a bound. The loader feeds it the events it builds
    from, so a file is parsed once; nothing deeper or larger than the bounds is ever built."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.sizes: dict[str, int] = {}  # anchor -> the number of values it stands for
        self.frames: list[_Open] = []
        self.expanded = 0  # values so far, every alias counted as what it stands for

    def _refuse(self, message: str, event: Any) -> BoundExceeded:
        line = event.start_mark.line + 1 if event.start_mark else None
        return BoundExceeded(message, file=self.file, line=line, field=_field(self.frames))

    def see(self, event: Any) -> None:
        frames = self.frames
        value: Any = None
        if isinstance(event, CollectionStartEvent):
            if len(frames) >= MAX_DEPTH:
                raise self._refuse(f"nested more than {MAX_DEPTH} levels deep", event)
            frames.append(_Open(event.anchor, isinstance(event, MappingStartEvent)))
            self.expanded += 1
            return
        if isinstance(event, CollectionEndEvent):
            done = frames.pop()
            size = done.size
            if done.anchor:
                self.sizes[done.anchor] = size
        elif isinstance(event, AliasEvent):
            if any(frame.anchor == event.anchor for frame in frames):
                raise self._refuse(f"alias *{event.anchor} refers to itself from inside "
                                   f"&{event.anchor} (an endless value)", event)
            size = self.sizes.get(event.anchor, 1)
            self.expanded += size
        elif isinstance(event, ScalarEvent):
            size, value = 1, event.value
            self.expanded += 1
            if event.anchor:
                self.sizes[event.anchor] = 1
            if event.style is None and len(value) > MAX_NUMBER_DIGITS and re.match(_NUMBER, value):
                raise self._refuse(f"a number of {len(value):,} digits is not a value any "
                                   "field takes", event)
        else:
            return
        if self.expanded > MAX_NODES:
            raise self._refuse(f"more than {MAX_NODES:,} values once aliases are expanded (an "
                               "alias bomb?); write the values out", event)
        if frames:
            frames[-1].took(value, size)


def bounded_parser(base: type) -> type:
    """`base` (a ruamel.yaml parser class) that shows every event it hands on to the loader's
    `bounds` (a Bounds) first."""

    class BoundedParser(base):
        def get_event(self) -> Any:
            event = super().get_event()
            self.loader.bounds.see(event)
            return event

    return BoundedParser


def check_bounds(text: str, *, file: str) -> None:
    """Raise a UserError naming the file, line and field where `text` passes a bound; parse
    errors are left to the loader, which reports them with its own message."""
    prefix = deep_flow_prefix(text)
    if prefix is not None:
        _judge_events(prefix, file)  # raises where the deep brackets are flow collections
    _judge_events(text, file)


def _judge_events(text: str, file: str) -> None:
    bounds = Bounds(file)
    for event in _events(text):
        bounds.see(event)


def _events(text: str):
    """The parser's events, as far as the text parses: a syntax error is the loader's to
    report, with its own message."""
    parse = iter(YAML(typ="rt").parse(text))
    while True:
        try:
            yield next(parse)
        except StopIteration:
            return
        except Exception:  # malformed YAML
            return
