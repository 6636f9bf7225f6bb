"""YAML with positions through libyaml: ruamel's round-trip types, built from libyaml's nodes.

The round-trip loader is pure Python and reads a manifest some 20 times slower than libyaml.
The rules need only each mapping's and list's line and column (ruamel's `.lc`), so this builds
the same `CommentedMap` / `CommentedSeq` with the same positions from libyaml's composed
nodes; a duplicate key keeps its first value, as in ruamel. Anything it does not build as
ruamel does (merge keys, explicit tags, a mapping used as a key, a text libyaml refuses)
returns None, and the round-trip loader reads the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

_TAG = "tag:yaml.org,2002:"
_SCALARS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null"))


class _Unsupported(Exception):
    """A node ruamel would build differently: leave the file to ruamel."""


def load_positioned(text: str, loader_class: Callable[[str], Any]) -> list[Any] | None:
    """The documents of `text` (empty ones dropped), or None to fall back to ruamel."""
    loader = loader_class(text)
    try:
        docs = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                docs.append(_build(node, loader, {}))
        return [d for d in docs if d is not None]
    except Exception:  # libyaml refuses it or _Unsupported: ruamel reads it and says why
        return None
    finally:
        loader.dispose()


def _build(node: Any, loader: Any, built: dict[int, Any]) -> Any:
    if id(node) in built:  # an alias: the same object, as ruamel gives
        return built[id(node)]
    start = node.start_mark
    if node.id == "scalar":
        if node.tag not in _SCALARS:
            raise _Unsupported(node.tag)
        value = loader.construct_object(node, deep=True)
        built[id(node)] = value
        return value
    if node.id == "sequence" and node.tag == _TAG + "seq":
        seq = CommentedSeq()
        seq._yaml_set_line_col(start.line, start.column)
        built[id(node)] = seq
        for index, item in enumerate(node.value):
            seq.append(_build(item, loader, built))
            seq._yaml_set_idx_line_col(index, [item.start_mark.line, item.start_mark.column])
        return seq
    if node.id == "mapping" and node.tag == _TAG + "map":
        mapping = CommentedMap()
        mapping._yaml_set_line_col(start.line, start.column)
        built[id(node)] = mapping
        for key_node, value_node in node.value:
            if key_node.id != "scalar" or key_node.tag == _TAG + "merge":
                raise _Unsupported("complex or merge key")
            key = _build(key_node, loader, built)
            if key in mapping:  # a duplicate key: ruamel keeps the first
                continue
            mapping._yaml_set_kv_line_col(key, [key_node.start_mark.line,
                                                key_node.start_mark.column,
                                                value_node.start_mark.line,
                                                value_node.start_mark.column])
            mapping[key] = _build(value_node, loader, built)
        return mapping
    raise _Unsupported(node.tag)
