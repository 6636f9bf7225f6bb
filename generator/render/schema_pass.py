"""A quick proof that data satisfies a JSON Schema, for the keywords tightship's schemas use.

jsonschema costs more to import than a render of a service, and a first run (a fresh machine,
CI) has no remembered pass. Data that is valid is by far the common case; `surely_valid` proves
it without jsonschema (`not` and `oneOf` through a proof of the opposite, from the few keywords
that can show a value surely invalid). It answers True only where every keyword met is one it
judges exactly as Draft 2020-12 does; anything else (a failure, a keyword or a value it does
not judge) answers False, and jsonschema then decides and words the error. So it may say False
of valid data, and never True of invalid data (tests/test_schema_pass.py holds it to
jsonschema).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

# A keyword's judge: (value, the keyword's rule, the schema it sits in, the root schema).
Judge = Callable[[Any, Any, dict[str, Any], dict[str, Any]], bool]

# Keywords that say nothing about validity.
_NOTES = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                    "examples", "markdownDescription", "$defs", "deprecated", "readOnly"})
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "number": (int, float), "boolean": (bool,), "null": (type(None),),
}


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def surely_valid(data: Any, schema: dict[str, Any]) -> bool:
    """True when `data` is valid against `schema` (a root schema with local `$defs`)."""
    try:
        return _valid(data, schema, schema)
    except (RecursionError, re.error, TypeError, ValueError):
        return False


def _of_type(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    return isinstance(value, _TYPES.get(name, ()))


def _same(value: Any, option: Any) -> bool:
    """JSON equality for scalars (true is not 1); other values are not judged here."""
    if isinstance(value, (dict, list)) or isinstance(option, (dict, list)):
        return False
    return type(value) is type(option) and value == option


def _unique(items: list[Any]) -> bool:
    """Distinct, judged only for strings and integers (no true-versus-1 questions)."""
    kinds = {type(item) for item in items}
    return len(kinds) <= 1 and kinds <= {str, int} and len(set(items)) == len(items)


def _valid(value: Any, schema: Any, root: dict[str, Any]) -> bool:
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False  # `false`, or not a schema
    for key, rule in schema.items():
        if key in _NOTES:
            continue
        judge = _KEYWORDS.get(key)
        if judge is None or not judge(value, rule, schema, root):
            return False
    return True


def _type(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    names = rule if isinstance(rule, list) else [rule]
    return any(_of_type(value, name) for name in names)  # 1.0 as an integer: not judged


def _ref(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    prefix = "#/$defs/"
    name = rule[len(prefix):] if isinstance(rule, str) and rule.startswith(prefix) else "/"
    if "/" in name or "~" in name:  # only a plain name in the root's $defs
        return False
    target = root.get("$defs", {}).get(name)
    return target is not None and _valid(value, target, root)


def _properties(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    return all(_valid(value[k], sub, root) for k, sub in rule.items() if k in value)


def _additional(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    if "patternProperties" in schema:
        return False
    known = schema.get("properties", {})
    return all(_valid(v, rule, root) for k, v in value.items() if k not in known)


def _required(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return not isinstance(value, dict) or all(k in value for k in rule)


def _property_names(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return not isinstance(value, dict) or all(_valid(k, rule, root) for k in value)


def _items(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    if not isinstance(value, list):
        return True
    if "prefixItems" in schema:
        return False
    return all(_valid(item, rule, root) for item in value)


def _sized(kind: type, measure: Callable[[Any], int],
           compare: Callable[[int, int], bool]) -> Judge:
    def judge(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
        if isinstance(value, bool) or not isinstance(value, kind):
            return True
        return isinstance(rule, int) and not isinstance(rule, bool) and \
            compare(measure(value), rule)
    return judge


def _bound(compare: Callable[[Any, Any], bool]) -> Judge:
    def judge(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        return isinstance(rule, (int, float)) and not isinstance(rule, bool) and \
            compare(value, rule)
    return judge


def _pattern_kw(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return not isinstance(value, str) or _pattern(rule).search(value) is not None


def _unique_items(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return rule is False or not isinstance(value, list) or _unique(value)


def _enum(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return any(_same(value, option) for option in rule)


def _const(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return _same(value, rule)


def _any_of(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return any(_valid(value, sub, root) for sub in rule)


def _all_of(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return all(_valid(value, sub, root) for sub in rule)


def _not(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    return _invalid(value, rule)


def _one_of(value: Any, rule: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    """Exactly one holds: one proved valid and every other proved invalid."""
    valid = [i for i, sub in enumerate(rule) if _valid(value, sub, root)]
    return len(valid) == 1 and all(_invalid(value, sub) for i, sub in enumerate(rule)
                                   if i != valid[0])


def _invalid(value: Any, schema: Any) -> bool:
    """True when `value` surely breaks `schema`: a missing required key, a value of none of
    the types named, or every alternative of an anyOf broken. (No $ref is followed.)"""
    if not isinstance(schema, dict):
        return False
    required = schema.get("required")
    if isinstance(value, dict) and isinstance(required, list) and \
            any(key not in value for key in required):
        return True
    types = schema.get("type")
    names = types if isinstance(types, list) else [types] if isinstance(types, str) else None
    if names is not None and not isinstance(value, float) and \
            not any(_of_type(value, name) for name in names):
        return True  # (a float may be an integer to JSON Schema: not judged)
    alternatives = schema.get("anyOf")
    return isinstance(alternatives, list) and bool(alternatives) and \
        all(_invalid(value, sub) for sub in alternatives)


_KEYWORDS: dict[str, Judge] = {
    "type": _type, "$ref": _ref, "properties": _properties,
    "additionalProperties": _additional, "required": _required,
    "propertyNames": _property_names, "items": _items,
    "minItems": _sized(list, len, lambda n, limit: n >= limit),
    "maxItems": _sized(list, len, lambda n, limit: n <= limit),
    "minLength": _sized(str, len, lambda n, limit: n >= limit),
    "maxLength": _sized(str, len, lambda n, limit: n <= limit),
    "minProperties": _sized(dict, len, lambda n, limit: n >= limit),
    "maxProperties": _sized(dict, len, lambda n, limit: n <= limit),
    "minimum": _bound(lambda n, limit: n >= limit),
    "maximum": _bound(lambda n, limit: n <= limit),
    "exclusiveMinimum": _bound(lambda n, limit: n > limit),
    "exclusiveMaximum": _bound(lambda n, limit: n < limit),
    "pattern": _pattern_kw, "uniqueItems": _unique_items, "enum": _enum, "const": _const,
    "anyOf": _any_of, "allOf": _all_of, "not": _not, "oneOf": _one_of,
}
