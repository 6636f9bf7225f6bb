"""The YAML text of a rendered document, written directly for the shapes tightship builds.

ruamel.yaml's round-trip dumper spends most of a render's time on a few small documents. This
writes the same bytes for what the outputs build: block mappings and sequences of strings,
integers and booleans, flow sequences of scalars, empty `{}` / `[]`, and end-of-line comments.
A scalar is written plain only when it is printable ASCII that no YAML reader could take for
an indicator, a key, a comment or another type; otherwise quoted (single, or double where the
output asked for it). Anything else raises Unsupported, and ruamel.yaml writes the document,
so an unusual value is never guessed at. tests/test_yaml_text.py holds the two to the same bytes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

# ruamel folds a line past its width (4096 in dump_yaml) and writes a key of 128 characters or
# more as `? key`: leave such documents to it.
MAX_LINE = 2000
MAX_KEY = 100
_PRINTABLE = re.compile(r"^[\x20-\x7e]+$")
_DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = VersionedResolver()


class Unsupported(Exception):
    """A shape or value this writer does not claim to write as ruamel.yaml would."""


@lru_cache(maxsize=8192)  # the same keys and values recur in every document
def _plain_allowed(text: str, flow: bool) -> bool:
    """Whether ruamel.yaml writes `text` (printable ASCII, one line) as a plain scalar."""
    first = text[0]
    if first in "#,[]{}&*!|>'\"%@`?:" or text[0] == " " or text[-1] == " ":
        return False
    if first == "-" and (len(text) == 1 or text[1] == " "):
        return False
    if text.startswith(("---", "...")) or ": " in text or text.endswith(":") or " #" in text:
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    return bool(_RESOLVER.resolve(ScalarNode, text, (True, False)) == _STR_TAG)


def scalar(value: object, flow: bool) -> str:
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is float and _DECIMAL.match(repr(value)):  # ruamel writes repr() then
        return repr(value)
    if not isinstance(value, str):
        raise Unsupported(type(value).__name__)
    if type(value) not in (str, DoubleQuotedScalarString):
        raise Unsupported(type(value).__name__)
    if not value or len(value) > MAX_LINE or not _PRINTABLE.match(value):
        raise Unsupported("an empty, long or non-ASCII string")
    if isinstance(value, DoubleQuotedScalarString):
        escaped: str = value.replace("\\", "\\\\").replace('"', '\\"')  # ruamel: untyped
        return '"' + escaped + '"'
    if _plain_allowed(value, flow):
        return value
    if "'" in value:  # ruamel.yaml then picks its own quoting
        raise Unsupported("a quote in a string that needs quoting")
    return "'" + value + "'"


def _key(key: Any) -> str:
    if not isinstance(key, str) or len(key) > MAX_KEY:
        raise Unsupported("a key that is not a short string")
    return scalar(key, flow=False)


def _comment(comments: dict[Any, Any], where: Any, slot: int) -> tuple[str, int] | None:
    """The end-of-line comment ruamel holds (in a node's `ca.items`) for a key or index: its
    text and column."""
    entry = comments.get(where)
    if entry is None:
        return None
    if any(token is not None for index, token in enumerate(entry) if index != slot):
        raise Unsupported("a comment before or after a node")
    token = entry[slot]
    if token is None:
        return None
    value = token.value.removesuffix("\n")
    if not value.startswith("#") or "\n" in value or not _PRINTABLE.match(value):
        raise Unsupported("a comment of more than one line")
    return value, token.start_mark.column


def _line(text: str, comment: tuple[str, int] | None) -> str:
    if comment is not None:
        words, column = comment
        text += " " * max(column - len(text), 1) + words
    if len(text) > MAX_LINE:
        raise Unsupported("a long line")
    return text + "\n"


def _check_plain_node(node: Any) -> dict[Any, Any]:
    """The node's end-of-line comments, by key or index; raises for any other comment."""
    ca = node.ca  # a property that looks the attribute up each time: read it once
    if ca.comment is not None or ca.end:
        raise Unsupported("a comment on a whole node")
    items: dict[Any, Any] = ca.items
    return items


def _flow(value: Any) -> str | None:
    """The text of a value written on its key's line (scalar, empty or flow), else None."""
    if isinstance(value, (CommentedMap, CommentedSeq)):
        _check_plain_node(value)
        if not value:
            return "{}" if isinstance(value, CommentedMap) else "[]"
        if isinstance(value, CommentedSeq) and value.fa.flow_style():
            if value.ca.items:
                raise Unsupported("a comment inside a flow sequence")
            return "[" + ", ".join(_flow_item(item) for item in value) + "]"
        if value.fa.flow_style():
            raise Unsupported("a flow mapping")
        return None
    if isinstance(value, (dict, list)):
        raise Unsupported("a plain dict or list")
    return scalar(value, flow=False)


def _flow_item(item: Any) -> str:
    if isinstance(item, (dict, list)):
        raise Unsupported("a collection inside a flow sequence")
    return scalar(item, flow=True)


def _mapping(node: CommentedMap, indent: int, first: str | None, out: list[str]) -> None:
    """Each key at `indent`; the first line starts with `first` (a sequence's `- `) if given."""
    comments = _check_plain_node(node)
    for key, value in node.items():
        start = first if first is not None else " " * indent
        first = None
        head = start + _key(key) + ":"
        comment = _comment(comments, key, 2) if comments else None
        text = _flow(value)
        if text is not None:
            out.append(_line(f"{head} {text}", comment))
        elif isinstance(value, CommentedMap):
            out.append(_line(head, comment))
            _mapping(value, indent + 2, None, out)
        else:
            out.append(_line(head, comment))
            _sequence(value, indent + 2, out)


def _sequence(node: CommentedSeq, indent: int, out: list[str]) -> None:
    """Each item as `- ` at `indent` (ruamel's sequence indent 4 with offset 2)."""
    comments = node.ca.items
    for index, item in enumerate(node):
        comment = _comment(comments, index, 0) if comments else None
        if isinstance(item, CommentedMap) and item and not item.fa.flow_style():
            if comment is not None:
                raise Unsupported("a comment on a mapping in a sequence")
            _mapping(item, indent + 2, " " * indent + "- ", out)
            continue
        if isinstance(item, CommentedSeq) and item and not item.fa.flow_style():
            raise Unsupported("a block sequence inside a sequence")
        text = _flow(item)
        out.append(_line(" " * indent + "- " + str(text), comment))


def document_text(document: Any) -> str:
    """The YAML of one document (a non-empty block mapping), as ruamel.yaml would write it."""
    if not isinstance(document, CommentedMap) or not document or document.fa.flow_style():
        raise Unsupported("a document that is not a block mapping")
    out: list[str] = []
    _mapping(document, 0, None, out)
    return "".join(out)
