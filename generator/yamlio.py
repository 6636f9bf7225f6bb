"""Reading YAML with positions, so every error can name its file and line.

ruamel.yaml's round-trip loader keeps each mapping's and sequence's line numbers (and the
comments, which `pin` relies on when it rewrites a profile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.reader import ReaderError

from generator.errors import UserError
from generator.messages import dotted as dotted  # field names in messages; kept importable here
from generator.yamlbounds import BoundExceeded, Bounds, bounded_parser, deep_flow_prefix


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: Path, *, what: str) -> str:
    """A YAML file's text; a file that cannot be read becomes a UserError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{what} not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {what}: {exc}", file=str(path)) from None


def load_file(path: Path, *, what: str) -> Any:
    """Parse a YAML file; a syntax error becomes a UserError with the parser's line."""
    return load_text(read_text(path, what=what), file=str(path))


# The round-trip parser, judging each event against the bounds before the loader builds on it.
_BoundedParser = bounded_parser(RoundTripParser)


def _bounded_load(text: str, file: str) -> Any:
    yaml = round_trip_yaml()
    yaml.Parser = _BoundedParser
    yaml.bounds = Bounds(file)  # type: ignore[attr-defined]  # the parser reads loader.bounds
    return yaml.load(text)


def load_text(text: str, *, file: str) -> Any:
    """Parse YAML text, within the bounds (yamlbounds); a syntax error becomes a UserError
    with the parser's line."""
    prefix = deep_flow_prefix(text)
    if prefix is not None:
        try:
            _bounded_load(prefix, file)
        except BoundExceeded:
            raise
        except Exception:  # the brackets were not all flow collections: read the whole text
            pass
    try:
        return _bounded_load(text, file)
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


class Layer:
    """Where some values came from: a parsed YAML file (with positions) or the command line.

    A layer made from a file's text alone (`Layer.unparsed`: its values were taken from the
    cache) parses the text only when a position is asked for, which is on the way to an error.
    """

    def __init__(self, file: str, node: Any = None, *, text: str | None = None) -> None:
        self.file = file
        self.text = text  # the file's text, where it is known
        self._node = node  # round-trip YAML node, or a plain dict for --set values
        self._parsed = True
        self._values: Any = None

    @classmethod
    def unparsed(cls, file: str, text: str, values: Any) -> Layer:
        """A layer whose plain `values` are known without parsing `text`."""
        layer = cls(file, text=text)
        layer._parsed, layer._values = False, values
        return layer

    @property
    def values(self) -> Any:
        """The layer's values as plain data."""
        if self._values is None:
            self._values = to_plain(self.node)
        return self._values

    @property
    def node(self) -> Any:
        if not self._parsed:
            self._node, self._parsed = load_text(self.text or "", file=self.file), True
        return self._node

    def __repr__(self) -> str:
        return f"Layer({self.file!r})"


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


def _highest(layers: Sequence[Layer], path: Sequence[Any]) -> Layer:
    """The layer that goes deepest along `path`, judged on plain values so that no file is
    parsed for it (first wins ties: layers are listed highest priority first)."""
    return max(layers, key=lambda layer: _depth(layer.values, path))


def defining_file(layers: Sequence[Layer], path: Sequence[str]) -> str:
    """The file of the highest layer that states the value at `path`: what a relative path in
    that value is relative to."""
    return _highest(layers, path).file if layers else "<input>"


def locate(layers: Sequence[Layer], path: Sequence[Any]) -> tuple[str, int | None]:
    """The file and line that gave the value at `path` (layers listed highest priority first).
    Only the file that gave it is parsed, for its line."""
    if not layers:
        return "<input>", None
    best = _highest(layers, path)
    return best.file, line_of(best.node, path)
