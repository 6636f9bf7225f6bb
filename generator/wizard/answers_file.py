"""The answers file the wizard writes: every asked key, in the schema's order, whatever an
existing file said about keys the wizard does not ask, and a comment header; the same answers
always give the same bytes."""

from __future__ import annotations

import copy
from typing import Any

from generator.render.validation import schema
from generator.resources import SCHEMA_COPY
from generator.wizard.answer_schema import ANSWERS_SCHEMA
from generator.wizard.model import QuestionContext, is_empty
from generator.wizard.questions import QUESTIONS, applicable

ANSWERS_FILE = "tightship.yaml"


def _delete(data: dict, key: str) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            return
        node = child
    node.pop(parts[-1], None)


def _assign(data: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def _prune(data: Any) -> Any:
    if isinstance(data, dict):
        kept = {k: _prune(v) for k, v in data.items()}
        return {k: v for k, v in kept.items() if not is_empty(v)}
    return data


def _ordered(data: Any, node: dict) -> Any:
    """Keys in the schema's order (then any others, sorted): a stable file, diff to diff."""
    if not isinstance(data, dict):
        return data
    properties = node.get("properties") or {}
    keys = [k for k in properties if k in data] + sorted(k for k in data if k not in properties)
    return {k: _ordered(data[k], properties.get(k, {})) for k in keys}


def answers_document(ctx: QuestionContext) -> dict:
    """The answers as the file holds them: every asked key, and whatever an existing file said
    about keys the wizard does not ask (limits, run, ...), which it keeps as they were."""
    data = copy.deepcopy(ctx.previous)
    for q in QUESTIONS:
        if q.stored:
            _delete(data, q.key)
    for q in applicable(ctx):
        if q.key in ctx.answers and q.written(ctx.answers[q.key], ctx):
            _assign(data, q.key, copy.deepcopy(ctx.answers[q.key]))
    return _ordered(_prune(data), schema(ANSWERS_SCHEMA))


def kept_keys(ctx: QuestionContext) -> list[str]:
    """Keys of an existing answers file that the wizard does not ask about and keeps."""
    asked = {q.key for q in QUESTIONS if q.stored}
    found = []

    def walk(node: Any, prefix: str) -> None:
        for key, value in node.items():
            dotted_key = f"{prefix}{key}"
            if dotted_key in asked:
                continue
            if isinstance(value, dict) and any(a.startswith(dotted_key + ".") for a in asked):
                walk(value, dotted_key + ".")
            else:
                found.append(dotted_key)

    walk(ctx.previous, "")
    return found


def dump_answers(data: dict, *, profile: str) -> str:
    """The answers file's text: a comment header, then the keys in the schema's order.

    Lists of plain values are written in flow style (`ports: [8080]`), mappings as blocks;
    the same answers always give the same bytes.
    """
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def node(value: Any) -> Any:
        if isinstance(value, dict):
            mapping = CommentedMap()
            for k, v in value.items():
                mapping[k] = node(v)
            return mapping
        if isinstance(value, list):
            seq = CommentedSeq(node(v) for v in value)
            if all(not isinstance(v, (dict, list)) for v in value):
                seq.fa.set_flow_style()
            return seq
        return value

    yaml = YAML(typ="rt")
    yaml.width = 4096  # one line per value, however long
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(node(data), stream)
    option = "" if profile == "default" else f" --profile {profile}"
    header = (f"# yaml-language-server: $schema={SCHEMA_COPY['answers']}\n"
              f"# Answers for the {data.get('service', 'service')} service, written by "
              "`tightship new`.\n"
              "# Re-render without prompts (in CI, add --check to fail on drift):\n"
              f"#   tightship render --answers {ANSWERS_FILE}{option}\n"
              f"# Every key is described in {SCHEMA_COPY['answers']}, the installed schema "
              "(tightship schema answers --out).\n")
    return header + stream.getvalue()
