"""YAML and JSON for `check`: read fast without positions first (libyaml, plain `json`), and
with positions only for a file a rule reports on.

Nesting no real file has is refused before a parser recurses through it; what does not read is
a ParseFailure at the parser's position.
"""

from __future__ import annotations

import json
from typing import Any

from ruamel.yaml import YAML

from generator.check.read import MAX_FLOW_DEPTH, ParseFailure, flow_depth, parse_trouble
from generator.written import written_documents


def _yaml() -> YAML:
    from generator.yamlio import round_trip_yaml

    yaml = round_trip_yaml()
    yaml.allow_duplicate_keys = True  # report what is there; the engine takes the last one
    return yaml


_PLAIN_LOADER: Any = None


def _plain_loader() -> Any:
    """libyaml (PyYAML's C loader) read the way YAML 1.2 reads plain values, as ruamel.yaml
    does: only true/false are booleans (`on`, `yes` stay strings), no base-60 numbers
    (`8080:80` stays a string), and a leading 0 is not octal."""
    global _PLAIN_LOADER
    if _PLAIN_LOADER is None:
        import re

        import yaml

        class Loader(yaml.CSafeLoader):  # type: ignore[misc]  # PyYAML ships no types
            pass

        replaced = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
        Loader.yaml_implicit_resolvers = {
            first: [(tag, regexp) for tag, regexp in resolvers if tag not in replaced]
            for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()}
        Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                     re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                     list("tTfF"))
        Loader.add_implicit_resolver(
            "tag:yaml.org,2002:int",
            re.compile(r"^(?:[-+]?[0-9_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$"),
            list("-+0123456789"))
        Loader.add_implicit_resolver(
            "tag:yaml.org,2002:float",
            re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
            list("-+0123456789."))

        def integer(loader: Any, node: Any) -> int:
            text = loader.construct_scalar(node).replace("_", "")
            for prefix, base in (("0o", 8), ("0x", 16), ("0b", 2)):
                if text.startswith(prefix):
                    return int(text[2:], base)
            return int(text, 10)

        Loader.add_constructor("tag:yaml.org,2002:int", integer)
        _PLAIN_LOADER = Loader
    return _PLAIN_LOADER


def _plain_yaml_stream(text: str) -> list[Any] | None:
    """YAML without positions, through libyaml (many times faster than the round-trip
    loader), or None when it cannot read it: then the round-trip loader reads it and reports
    why."""
    import yaml

    from generator.check.yamlplain import build_documents

    loader = _plain_loader()
    text = str(text)  # the text alone: libyaml reads no subclass of str (a WrittenText)
    try:
        return build_documents(text, loader)
    except Exception:  # Unusual, or what libyaml refuses: PyYAML's own loader decides
        pass
    try:
        return [d for d in yaml.load_all(text, Loader=loader) if d is not None]
    except Exception:
        return None


def _positioned_yaml_stream(text: str) -> list[Any] | None:
    """YAML with ruamel's positions, read by libyaml; None: the round-trip loader reads it."""
    from generator.check.yamlpos import load_positioned

    # str(): the text alone, as libyaml reads no subclass of str (a WrittenText)
    return load_positioned(str(text), _plain_loader()) if POSITIONS_BY_LIBYAML else None


POSITIONS_BY_LIBYAML = True  # False: every position from ruamel's round-trip loader (tests)


def parse_yaml_stream(name: str, text: str, *, positions: bool = True) -> list[Any]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    written = None if positions else written_documents(text)
    if written is not None:  # rendered from these values, by a writer proven faithful
        return written
    refuse_deep_nesting(text)
    fast = _plain_yaml_stream(text) if not positions else _positioned_yaml_stream(text)
    if fast is not None:
        return fast
    try:
        return [d for d in _yaml().load_all(text) if d is not None]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseFailure(f"invalid YAML: {problem}", mark.line + 1 if mark else 1,
                           mark.column + 1 if mark else 1) from None
    except YAMLError as exc:
        raise ParseFailure(f"invalid YAML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, 100k nested lists
        trouble = parse_trouble(exc)
        if trouble is None:
            raise
        raise ParseFailure(trouble) from None


def parse_json(name: str, text: str, *, positions: bool = True) -> Any:
    """JSON, with positions when asked: JSON is YAML, so ruamel gives lines and columns.

    Plain `json` is a hundred times faster; the checker reads JSON plainly first and asks for
    positions only when a rule has something to report.
    """
    written = None if positions else written_documents(text)
    if written is not None:  # rendered from this value (json.dumps)
        return written[0]
    refuse_deep_nesting(text)
    try:
        plain = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseFailure(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, 100k nested arrays
        raise ParseFailure(parse_trouble(exc) or f"invalid JSON: {exc}") from None
    if not positions:
        return plain
    fast = _positioned_yaml_stream(text)
    if fast:
        return fast[0]
    try:
        docs = _yaml().load_all(text)
        node = next(iter(docs), None)
        if node is not None:
            return node
    except Exception:  # e.g. tabs YAML does not allow: fall back to no positions
        pass
    return plain


def refuse_deep_nesting(text: str) -> None:
    """Refuse flow nesting no real file has before a parser recurses through all of it."""
    depth = flow_depth(text, MAX_FLOW_DEPTH)
    if depth > MAX_FLOW_DEPTH:
        raise ParseFailure(f"the file nests too deeply to read (more than {MAX_FLOW_DEPTH} "
                           "levels of brackets)")

