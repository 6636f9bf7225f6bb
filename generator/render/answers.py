"""The answers that describe one service, layered in one visible place.

Highest first: `--set key=value` on the command line > the answers file (`tightship.yaml`) >
the profile's defaults (applied when the Spec is built). The wizard only writes answers files.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.errors import UserError
from generator.render.disk_cache import content_key, read_json, store_json
from generator.render.validation import validate
from generator.yamlbounds import check_bounds
from generator.yamlio import Layer, load_text, read_text

_KEY = r"^[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"  # compiled on the first --set
SET_SOURCE = "--set"


class Answers(NamedTuple):
    """Validated answers as plain data, with the layers they came from (for error positions)."""

    data: dict[str, Any]
    layers: tuple[Layer, ...]
    base_dir: Path  # the folder of the answers file: the build context

    @property
    def file(self) -> str:
        return self.layers[-1].file if self.layers else "<answers>"


def parse_set(item: str) -> tuple[list[str], Any]:
    """`healthcheck.interval=5s` → (["healthcheck", "interval"], "5s"); values are YAML."""
    key, sep, raw = item.partition("=")
    if not sep or not re.match(_KEY, key):
        raise UserError(f"'{item}' is not key=value (a dotted key such as healthcheck.interval)",
                        file=SET_SOURCE)
    try:
        check_bounds(raw, file=SET_SOURCE)
    except UserError as exc:
        raise UserError(exc.message, file=SET_SOURCE, field=key) from None
    try:
        value = YAML(typ="safe", pure=True).load(raw) if raw.strip() else ""
    except YAMLError:
        value = raw  # not YAML: take it as the plain string the user typed
    if isinstance(value, (dict, list)) or value is None:
        value = value if value is not None else ""
    return key.split("."), value


def load_answers(path: Path, sets: list[str] | tuple[str, ...] = ()) -> Answers:
    layer = _answers_layer(path)
    data = copy.deepcopy(layer.values)
    overrides: dict[str, Any] = {}
    for item in sets:
        keys, value = parse_set(item)
        _deep_set(data, keys, value)
        _deep_set(overrides, keys, copy.deepcopy(value))
    layers = (Layer(SET_SOURCE, overrides), layer) if sets else (layer,)
    validate(data, "answers.schema.json", layers)
    return Answers(data=data, layers=layers, base_dir=path.resolve().parent)


def _answers_layer(path: Path) -> Layer:
    """The answers file as a layer. Its values are kept in the cache folder by its text, so a
    later run reads them back and parses the file only when an error needs a line."""
    text = read_text(path, what="answers file")
    entry_name = f"answers-{content_key('answers', text)}.json"
    entry = read_json(entry_name)
    if isinstance(entry, dict) and isinstance(entry.get("values"), dict):
        return Layer.unparsed(str(path), text, entry["values"])
    node = load_text(text, file=str(path))
    if node is None:
        node = {}
    if not isinstance(node, dict):
        raise UserError("an answers file must be a mapping of keys to values", file=str(path),
                        line=1)
    layer = Layer(str(path), node, text=text)
    store_json(entry_name, {"values": layer.values})
    return layer


def _deep_set(target: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    target[keys[-1]] = value
