"""The YAML text of a rendered document, written directly for the shapes tightship builds.

ruamel.yaml's round-trip dumper spends most of a render's time on a few small documents. This
writes the same bytes for what the outputs build (yamldata.py): block mappings and sequences
of strings, integers and booleans, flow sequences of scalars, empty `{}` / `[]`, and
end-of-line comments. A scalar is written plain only when it is printable ASCII that no YAML
reader could take for an indicator, a key, a comment or another type; otherwise quoted (single,
or double where the output asked for it or a YAML 1.1 reader would misread it: `tricky`).
Anything else raises Unsupported, and ruamel.yaml writes the document, so an unusual value is
never guessed at.
tests/test_yaml_text.py holds the two to the same bytes.

Beside the text it gives the plain values it wrote (dict, list, str, int, float, bool), so the
self-check can judge them without reading the text again (generator/written.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.render.outputs.yamldata import Mapping, Sequence

# ruamel folds a line past its width (4096 in dump_yaml) and writes a key of 128 characters or
# more as `? key`: leave such documents to it.
MAX_LINE = 2000
MAX_KEY = 100
_PRINTABLE = re.compile(r"^[\x20-\x7e]+$")
_DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")
_STR_TAG = "tag:yaml.org,2002:str"
# ruamel.yaml's YAML 1.2 rules for plain scalars (first character -> (tag, matcher)), taken
# once: asking its resolver looks up the version (two exceptions) on every call.
_IMPLICIT = {first: [(tag, regexp.match) for tag, regexp in entries]
             for first, entries in VersionedResolver().versioned_resolver.items()}

# Scalars a YAML 1.1 reader (PyYAML in docker-compose, go-yaml in kubectl) would not read back
# as the same string: booleans, nulls, numbers, sexagesimals, dates. They are written quoted.
_YAML11_TRICKY = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|)$"
    r"|^[-+]?(\.[0-9]+|[0-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?$"
    r"|^[-+]?0[xob]?[0-9a-fA-F_]+$"
    r"|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$"
    r"|^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$"
    r"|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
)
# ruamel.yaml writes a plain scalar that starts with `?` or `:` in a flow sequence in a form no
# YAML reader reads back (`[CMD, : 0]`); the render self-check refuses such a file. PyYAML (in
# docker-compose) also ends a plain scalar in a flow sequence at any `?` (`[CMD, a?b]`) and at
# a `:` before a flow indicator or the end. All of these are quoted.
_FLOW_UNSAFE = re.compile(r"^[?:]|\?|:$|:[,\[\]{}]")


class Unsupported(Exception):
    """A shape or value this writer does not claim to write as ruamel.yaml would."""


def tricky(text: str) -> bool:
    """Whether a string is written double-quoted although the output did not ask for it."""
    return bool(_YAML11_TRICKY.match(text) or _FLOW_UNSAFE.search(text))


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
    return _resolves_to_string(text)


def _resolves_to_string(text: str) -> bool:
    """Whether ruamel.yaml's resolver takes the plain scalar `text` for a string (its rules
    for the first character and for any, as VersionedResolver.resolve reads them)."""
    for tag, match in _IMPLICIT.get(text[0], []) + _IMPLICIT.get(None, []):
        if match(text):
            return bool(tag == _STR_TAG)
    return True


@lru_cache(maxsize=8192)  # the same keys and values recur in every document
def _string(text: str, double: bool, flow: bool) -> str:
    """The written form of a string (`double`: the output asked for double quotes)."""
    if not text or len(text) > MAX_LINE or not _PRINTABLE.match(text):
        raise Unsupported("an empty, long or non-ASCII string")
    if double or tricky(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if _plain_allowed(text, flow):
        return text
    if "'" in text:  # ruamel.yaml then picks its own quoting
        raise Unsupported("a quote in a string that needs quoting")
    return "'" + text + "'"


def scalar(value: object, flow: bool) -> tuple[str, Any]:
    """The written form of a scalar and the plain value a reader gets from it."""
    kind = type(value)
    if kind is str:
        return _string(value, False, flow), value
    if kind is DoubleQuotedScalarString:
        text = str(value)
        return _string(text, True, flow), text
    if kind is bool:
        return ("true" if value else "false"), value
    if kind is int:
        return str(value), value
    if kind is float and _DECIMAL.match(repr(value)):  # ruamel writes repr() then
        return repr(value), value
    raise Unsupported(kind.__name__)


def _key(key: Any) -> tuple[str, str]:
    if not isinstance(key, str) or len(key) > MAX_KEY:
        raise Unsupported("a key that is not a short string")
    return scalar(key, flow=False)


def _line(text: str, comment: str | None) -> str:
    """One line; an end-of-line comment one space after the value (ruamel.yaml's column 0)."""
    if comment is not None:
        words = comment.removesuffix("\n")
        if "\n" in words or not _PRINTABLE.match(words):
            raise Unsupported("a comment of more than one line")
        text += " " + words
    if len(text) > MAX_LINE:
        raise Unsupported("a long line")
    return text + "\n"


def _flow(value: Any) -> tuple[str | None, Any]:
    """The text of a value written on its key's line (scalar, empty or flow) and its plain
    value; (None, None) for a block mapping or sequence."""
    kind = type(value)
    if kind is Mapping:
        return ("{}", {}) if not value else (None, None)
    if kind is Sequence:
        if not value:
            return "[]", []
        if not value.flow:
            return None, None
        if value.comments:
            raise Unsupported("a comment inside a flow sequence")
        items = [_flow_item(item) for item in value]
        return "[" + ", ".join(text for text, _ in items) + "]", [v for _, v in items]
    return scalar(value, flow=False)


def _flow_item(item: Any) -> tuple[str, Any]:
    if isinstance(item, (dict, list)):
        raise Unsupported("a collection inside a flow sequence")
    return scalar(item, flow=True)


def _mapping(node: Mapping, indent: int, first: str | None, out: list[str]) -> dict[str, Any]:
    """Each key at `indent`; the first line starts with `first` (a sequence's `- `) if given."""
    comments = node.comments
    data: dict[str, Any] = {}
    for key, value in node.items():
        start = first if first is not None else " " * indent
        first = None
        key_text, plain_key = _key(key)
        head = start + key_text + ":"
        comment = comments.get(key) if comments else None
        text, plain = _flow(value)
        if text is not None:
            out.append(_line(f"{head} {text}", comment))
        elif type(value) is Mapping:
            out.append(_line(head, comment))
            plain = _mapping(value, indent + 2, None, out)
        else:
            out.append(_line(head, comment))
            plain = _sequence(value, indent + 2, out)
        data[plain_key] = plain
    return data


def _sequence(node: Sequence, indent: int, out: list[str]) -> list[Any]:
    """Each item as `- ` at `indent` (ruamel's sequence indent 4 with offset 2)."""
    comments = node.comments
    data: list[Any] = []
    for index, item in enumerate(node):
        comment = comments.get(index) if comments else None
        kind = type(item)
        if kind is Mapping and item:
            if comment is not None:
                raise Unsupported("a comment on a mapping in a sequence")
            data.append(_mapping(item, indent + 2, " " * indent + "- ", out))
            continue
        if kind is Sequence and item and not item.flow:
            raise Unsupported("a block sequence inside a sequence")
        text, plain = _flow(item)
        out.append(_line(" " * indent + "- " + str(text), comment))
        data.append(plain)
    return data


def document_text(document: Any) -> tuple[str, dict[str, Any]]:
    """The YAML of one document (a non-empty block mapping), as ruamel.yaml would write it
    with every `tricky` string double-quoted, and the plain values a reader gets from it."""
    if type(document) is not Mapping or not document:
        raise Unsupported("a document that is not a block mapping")
    out: list[str] = []
    data = _mapping(document, 0, None, out)
    return "".join(out), data
