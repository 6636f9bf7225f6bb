"""Reading YAML with positions, so every error can name its file and line.

ruamel.yaml's round-trip loader keeps each mapping's and sequence's line numbers (and the
comments, which `pin` relies on when it rewrites a profile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from generator.errors import UserError
from generator.messages import dotted as dotted  # field names in messages; kept importable here
from generator.yamlbounds import check_bounds


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def load_file(path: Path, *, what: str) -> Any:
    """Parse a YAML file; a syntax error becomes a UserError with the parser's line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{what} not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {what}: {exc}", file=str(path)) from None
    return load_text(text, file=str(path))


def load_text(text: str, *, file: str) -> Any:
    check_bounds(text, file=file)
    try:
        return round_trip_yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise UserError(f"invalid YAML: {problem}", file=file, line=line) from None
    except ReaderError as exc:  # a character YAML does not allow, e.g. DEL or NUL
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise UserError(f"invalid YAML: character U+{code:04X} is not allowed",
                        file=file, line=line) from None
    except YAMLError as exc:
        raise UserError("invalid YAML: " + " ".join(str(exc).split()), file=file) from None


def line_of(node: Any, path: Iterable[Any]) -> int | None:
    """The 1-based line of the deepest node along `path` (keys and indexes) that exists."""
    line = None
    current = node
    for step in path:
        if isinstance(current, CommentedMap) and step in current:
            line = current.lc.key(step)[0] + 1
            current = current[step]
        elif isinstance(current, CommentedSeq) and isinstance(step, int) and step < len(current):
            line = current.lc.item(step)[0] + 1
            current = current[step]
        else:
            break
    if line is None and isinstance(node, (CommentedMap, CommentedSeq)):
        line = node.lc.line + 1
    return line


def to_plain(node: Any) -> Any:
    """Round-trip nodes → plain dicts, lists and scalars (what the models are built from)."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


@dataclass(frozen=True)
class Layer:
    """Where some values came from: a parsed YAML file (with positions) or the command line."""

    file: str
    node: Any  # round-trip YAML node, or a plain dict for --set values


def _depth(node: Any, path: Sequence[Any]) -> int:
    depth = 0
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            break
        depth += 1
    return depth


def locate(layers: Sequence[Layer], path: Sequence[Any]) -> tuple[str, int | None]:
    """The file and line that gave the value at `path` (layers listed highest priority first)."""
    if not layers:
        return "<input>", None
    best = max(layers, key=lambda layer: _depth(layer.node, path))  # first wins ties
    return best.file, line_of(best.node, path)
