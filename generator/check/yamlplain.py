"""YAML without positions through libyaml, built straight from its composed nodes.

PyYAML's constructor builds each value through a generator and asks its resolver for every
scalar; for the plain mappings, lists and scalars that manifests hold this builds the same
values several times faster, with the loader's own scalar constructors and each distinct
plain scalar's tag resolved once. Anything else (merge keys, explicit or unusual tags, a
mapping used as a key) raises Unsupported, and PyYAML's own constructor reads the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _MAP, _SEQ = _TAG + "str", _TAG + "null", _TAG + "map", _TAG + "seq"
_SCALARS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAX_RESOLVED = 50_000  # distinct plain scalars remembered before the memory is cleared


class Unsupported(Exception):
    """A node this builder does not build as PyYAML's constructor does."""


def memoized_resolver(loader_class: Any) -> Any:
    """`loader_class` whose plain scalars' tags are resolved once per distinct text."""
    resolved: dict[str, str] = {}
    base_resolve = loader_class.resolve

    def resolve(self: Any, kind: Any, value: Any, implicit: Any) -> str:
        if isinstance(value, str) and implicit[0]:
            tag = resolved.get(value)
            if tag is None:
                if len(resolved) >= _MAX_RESOLVED:
                    resolved.clear()
                tag = resolved[value] = str(base_resolve(self, kind, value, implicit))
            return tag
        return str(base_resolve(self, kind, value, implicit))

    return type(loader_class.__name__, (loader_class,), {"resolve": resolve})


def load_plain(text: str, loader_class: Callable[[str], Any]) -> list[Any]:
    """The documents of `text`, empty ones dropped; raises what libyaml raises, or
    Unsupported."""
    loader = loader_class(text)
    try:
        docs = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                docs.append(_build(node, loader, {}))
        return [d for d in docs if d is not None]
    finally:
        loader.dispose()


def _build(node: Any, loader: Any, built: dict[int, Any]) -> Any:
    if id(node) in built:  # an alias: the same object, as PyYAML gives
        return built[id(node)]
    tag = node.tag
    if node.id == "scalar":
        if tag == _STR:
            value: Any = node.value
        elif tag == _NULL:
            value = None
        elif tag in _SCALARS:
            value = loader.yaml_constructors[tag](loader, node)
        else:
            raise Unsupported(tag)
        built[id(node)] = value
        return value
    if node.id == "sequence" and tag == _SEQ:
        items: list[Any] = []
        built[id(node)] = items
        items.extend(_build(item, loader, built) for item in node.value)
        return items
    if node.id == "mapping" and tag == _MAP:
        mapping: dict[Any, Any] = {}
        built[id(node)] = mapping
        for key_node, value_node in node.value:
            if key_node.id != "scalar" or key_node.tag not in _SCALARS:
                raise Unsupported("complex or merge key")
            mapping[_build(key_node, loader, built)] = _build(value_node, loader, built)
        return mapping
    raise Unsupported(tag)
