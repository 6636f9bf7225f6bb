"""Plain YAML (no positions) built straight from libyaml's events.

PyYAML's composer and constructor spend more per node than libyaml spends parsing: a node
object and two marks for each value, a resolver call, a generator for each mapping. This
builds the same dicts, lists and scalars from the event stream, resolving plain scalars with
the loader's own implicit resolvers and constructing non-strings with its own constructors.
What it does not build as PyYAML would (an explicit tag, a merge key, a repeated anchor) is
`Unusual`, and the caller leaves the text to PyYAML.
"""

from __future__ import annotations

from typing import Any

from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_SCALARS = frozenset(_TAG + t for t in ("int", "float", "bool", "null", "timestamp"))
_NO_KEY = object()  # a mapping waiting for its next key


class Unusual(Exception):
    """A construct PyYAML builds in its own way: let it."""


def build_documents(text: str, loader_class: Any) -> list[Any]:
    """The non-empty documents of `text`, as PyYAML's loader `loader_class` gives them."""
    loader = loader_class(text)
    resolvers = loader_class.yaml_implicit_resolvers
    constructors = loader_class.yaml_constructors
    docs: list[Any] = []
    anchors: dict[str, Any] = {}
    open_: list[list[Any]] = []  # [the mapping or list being built, its pending key]
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return docs
            kind = event.__class__
            if kind is ScalarEvent:
                value = _scalar(event, loader, resolvers, constructors)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                _plain_tag(event.tag)
                container: Any = {} if kind is MappingStartEvent else []
                _anchor(anchors, event.anchor, container)
                open_.append([container, _NO_KEY])
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = open_.pop()[0]
                if not open_:
                    docs.append(value)
                    continue
                _add(open_[-1], value)
                continue
            elif kind is AliasEvent:
                value = anchors[event.anchor]  # KeyError: undefined, PyYAML says so
                _add(open_[-1], value) if open_ else docs.append(value)
                continue
            elif kind is DocumentEndEvent:
                anchors = {}
                continue
            else:  # stream and document starts, stream end
                continue
            _anchor(anchors, event.anchor, value)
            if open_:
                _add(open_[-1], value)
            elif value is not None:
                docs.append(value)
    finally:
        loader.dispose()


def _scalar(event: Any, loader: Any, resolvers: Any, constructors: Any) -> Any:
    _plain_tag(event.tag)
    value = event.value
    if not event.implicit[0]:  # quoted: a string
        return value
    for tag, regexp in resolvers.get(value[0] if value else "", ()):
        if regexp.match(value):
            if tag == _STR:
                return value
            if tag not in _SCALARS:  # a merge key `<<`, a value key `=`
                raise Unusual(tag)
            return constructors[tag](loader, ScalarNode(tag, value))
    return value


def _plain_tag(tag: str | None) -> None:
    if tag is not None:  # even `!`, which PyYAML resolves as if there were none
        raise Unusual(tag)


def _anchor(anchors: dict[str, Any], anchor: str | None, value: Any) -> None:
    if anchor is not None:
        if anchor in anchors:
            raise Unusual("a repeated anchor")
        anchors[anchor] = value


def _add(top: list[Any], value: Any) -> None:
    container = top[0]
    if container.__class__ is list:
        container.append(value)
    elif top[1] is _NO_KEY:
        top[1] = value
    else:
        container[top[1]] = value
        top[1] = _NO_KEY
