"""JSON-Schema validation with messages that name the file, line and field.

Values can come from several layers (a profile and the one it extends; an answers file and
`--set`): each error is reported against the layer the offending value came from.

jsonschema costs more to import than a whole render of a service, so it is imported only when
data is judged that did not pass before and that schema_pass cannot prove valid (an error, or a
value it does not judge): a pass is remembered in the cache folder by a digest of the data, the
schema and tightship's version (only a pass is kept, never an error).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import UserError
from generator.messages import shown
from generator.render.disk_cache import pass_marker, passed_before, remember_pass
from generator.render.schema_pass import surely_valid
from generator.resources import SCHEMA_DIR
from generator.runtimes import NAMES as RUNTIME_NAMES
from generator.yamlio import Layer, dotted, locate

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


def field_error(message: str, layers: Sequence[Layer], path: Sequence[Any],
         at: Sequence[Any] | None = None) -> UserError:
    """An error about the field `path`, positioned at `at` (default: the field itself)."""
    file, line = locate(layers, path if at is None else at)
    return UserError(message, file=file, line=line, field=dotted(path) or None)


@cache
def _schema_text(schema_name: str) -> str:
    return (SCHEMA_DIR / schema_name).read_text(encoding="utf-8")


@cache
def schema(schema_name: str) -> dict[str, Any]:
    """The schema as data judges it (not to be changed by the caller)."""
    loaded: dict[str, Any] = json.loads(_schema_text(schema_name))
    # The runtimes are listed once, in the registry; the schema files name only the type.
    if "runtime_name" in loaded.get("$defs", {}):
        loaded["$defs"]["runtime_name"]["enum"] = list(RUNTIME_NAMES)
    return loaded


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(schema_name))


# Line breaks and other control characters are refused in every key and value, before the
# schema: no text may start a new line in a generated file. (Also: Python's `$` in the
# schema's patterns matches before a trailing newline, so patterns alone would not do.)
CONTROL_RE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _control_characters(data: Any, path: list[Any]) -> list[Any] | None:
    if isinstance(data, str):
        return path if CONTROL_RE.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and CONTROL_RE.search(key):
                return path + [key]
            found = _control_characters(value, path + [key])
            if found is not None:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = _control_characters(value, path + [index])
            if found is not None:
                return found
    return None


# The format version an answers file or profile may state in its `schema:` key.
FORMAT_VERSION = 1


def _newer_format(data: Any, layers: Sequence[Layer]) -> None:
    version = data.get("schema") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise field_error(f"format version {version} is newer than this tightship reads "
                          f"(up to {FORMAT_VERSION}): upgrade tightship", layers, ["schema"])


def validate(data: Any, schema_name: str, layers: Sequence[Layer]) -> None:
    """Raise a UserError for the most relevant schema violation in `data`, if any."""
    _newer_format(data, layers)
    bad = _control_characters(data, [])
    if bad is not None:
        raise field_error("contains a control character (newline, NUL, ...); values must be one "
                   "line of text", layers, bad)
    passed = _pass_marker(data, schema_name)
    if passed_before(passed):
        return
    if surely_valid(data, schema(schema_name)):  # valid data needs no jsonschema
        remember_pass(passed)
        return
    from jsonschema.exceptions import best_match

    error = best_match(_validator(schema_name).iter_errors(data))
    if error is None:
        remember_pass(passed)
        return
    path, message = _explain(error)
    # A missing key is reported where its mapping was written, not where a parent has it.
    at = path[:-1] if error.validator == "required" else None
    raise field_error(message, layers, path, at)


def _pass_marker(data: Any, schema_name: str) -> Path | None:
    """Where a pass of `data` against the schema is remembered; None: data JSON cannot hold."""
    try:
        canonical = json.dumps(data, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return pass_marker("valid", schema_name, _schema_text(schema_name), " ".join(RUNTIME_NAMES),
                       canonical)


def _explain(error: ValidationError) -> tuple[list[Any], str]:
    path = list(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        if extra:
            hint = f"; expected one of: {', '.join(known)}" if known else ""
            return path + [extra[0]], f"unknown key '{extra[0]}'{hint}"
    if kind == "propertyNames":
        return path, f"{shown(error.instance)} is not an allowed name here"
    if kind == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        if missing:
            return path + [missing[0]], "is required"
    if kind == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return path, f"{shown(error.instance)} is not one of: {options}"
    if kind == "type":
        return path, f"expected {error.validator_value}, got {type(error.instance).__name__}"
    if kind == "pattern":
        about = error.schema.get("description") or _parent_description(error)
        value = shown(error.instance)
        if any(ord(c) < 32 or ord(c) == 127 for c in str(error.instance)):
            return path, f"{value} contains a control character (newline, NUL, ...)"
        return path, f"{value} is not valid" + (f": {about}" if about else "")
    if isinstance(error.instance, (str, list, dict)) and len(repr(error.instance)) > 80:
        # jsonschema's own sentence starts with the whole value: say it with the value cut
        return path, f"{shown(error.instance)} {_verdict(error)}"
    return path, error.message


def _parent_description(error: ValidationError) -> str | None:
    parent = error.parent
    while parent is not None:
        if parent.schema.get("description"):
            return str(parent.schema["description"])
        parent = parent.parent
    return None


def _verdict(error: ValidationError) -> str:
    """What jsonschema says of a value, without the value (which it puts first)."""
    text = error.message
    head = repr(error.instance)
    return text[len(head):].strip() if text.startswith(head) else f"breaks '{error.validator}'"
