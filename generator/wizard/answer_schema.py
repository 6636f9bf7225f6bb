"""The answers file's own JSON Schema, key by key: the verdict on one answer, worded as
`render` words it."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from generator.render.validation import CONTROL_RE, _explain, schema
from generator.yamlio import dotted

ANSWERS_SCHEMA = "answers.schema.json"

@cache
def _subschema_validator(key: str) -> Draft202012Validator:
    root = schema(ANSWERS_SCHEMA)
    node: dict = root
    for part in key.split("."):
        properties = node.get("properties", {})
        if part not in properties:
            raise KeyError(f"the answers schema has no key {key}")
        node = properties[part]
    # "$ref": "#/$defs/..." resolves against the document it sits in: give it the $defs.
    return Draft202012Validator({**node, "$defs": root.get("$defs", {})})


def has_schema_key(key: str) -> bool:
    try:
        _subschema_validator(key)
    except KeyError:
        return False
    return True


def _control(value: Any, path: list) -> list | None:
    if isinstance(value, str):
        return path if CONTROL_RE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()
    for k, v in items:
        if isinstance(k, str) and CONTROL_RE.search(k):
            return path + [k]
        found = _control(v, path + [k])
        if found is not None:
            return found
    return None


def schema_error(key: str, value: Any) -> str | None:
    """The answers schema's verdict on one key's value, worded as `render` words it."""
    bad = _control(value, [])
    if bad is not None:
        return (f"{dotted([*key.split('.'), *bad])}: contains a control character (newline, "
                "NUL, ...); values must be one line of text")
    error = best_match(_subschema_validator(key).iter_errors(value))
    if error is None:
        return None
    path, message = _explain(error)
    return f"{dotted([*key.split('.'), *path])}: {message}"

