"""Each kind of file parsed into the documents the rules read: a Dockerfile's stages and
instructions (heredocs folded in, ONBUILD RUN read as a RUN), an AppArmor profile's lines
(blocks balanced), YAML and JSON documents (Kubernetes Lists opened into their items).
"""

from __future__ import annotations

import io
import re
from typing import Any

from generator.check.documents import DockerfileDoc, Instruction, Stage, TextDoc, YamlDoc
from generator.check.model import (
    APPARMOR,
    COMPOSE,
    DAEMON,
    DOCKERFILE,
    DOCKERIGNORE,
    KUBERNETES,
    PIPELINE,
    SECCOMP,
)
from generator.check.read import ParseFailure
from generator.check.source import Source
from generator.check.yamlread import parse_json, parse_yaml_stream

DOCKERFILE_KEYWORDS = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
                       "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                       "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
# Kinds read without positions first (fast); read again with them only when a rule reports.


def parse_dockerfile(name: str, text: str) -> DockerfileDoc:
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    try:
        structure = parser.structure
    except Exception as exc:  # the parser's own failure: report it, do not crash
        raise ParseFailure(f"the Dockerfile parser failed: {exc}") from None
    lines = text.splitlines()
    args: dict[str, str] = {}
    instructions: list[Instruction] = []
    stages: list[Stage] = []
    skip_to = 0  # heredoc bodies: dockerfile-parse reads their lines as instructions
    for item in structure:
        keyword = item["instruction"].upper()
        if keyword == "COMMENT" or item["startline"] + 1 <= skip_to:
            continue
        line, end = item["startline"] + 1, item["endline"] + 1
        value = item["value"]
        if keyword in ("RUN", "COPY", "ADD") and "<<" in value:
            end, value = _heredocs(lines, end, value)
            skip_to = end
        if keyword not in DOCKERFILE_KEYWORDS:
            raw = lines[line - 1] if line - 1 < len(lines) else ""
            raise ParseFailure(f"unknown instruction '{item['instruction']}'", line,
                               len(raw) - len(raw.lstrip()) + 1)
        if keyword == "ARG" and not stages:
            key, _, default = value.strip().partition("=")
            args[key.strip()] = default.strip().strip("\"'")
        if keyword == "FROM":
            words = [w for w in value.split() if not w.startswith("--")]
            if not words:
                raise ParseFailure("FROM names no image", line)
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1)) or m.group(0),
                           words[0])
            alias = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(len(stages), image, alias, line))
        elif not stages and keyword != "ARG":
            raise ParseFailure(f"{keyword} before the first FROM", line)
        instr = _onbuild_run(value, line, end, len(stages) - 1) if keyword == "ONBUILD" \
            else None
        instr = instr or Instruction(keyword, value, line, end, len(stages) - 1)
        instructions.append(instr)
        if stages:
            stages[-1].instructions.append(instr)
    if not stages:
        raise ParseFailure("no FROM instruction: not a Dockerfile", 1)
    return DockerfileDoc(name, lines, instructions, stages)


def _onbuild_run(value: str, line: int, end: int, stage: int) -> Instruction | None:
    """`ONBUILD RUN …` is read as the RUN it adds to every child image, so the rules about
    RUN scripts judge it; other ONBUILD instructions say nothing about this image."""
    match = re.match(r"\s*RUN\s+(.*)$", value, re.IGNORECASE | re.DOTALL)
    return Instruction("RUN", match.group(1), line, end, stage, onbuild=True) if match else None


HEREDOC_RE = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")


def _heredocs(lines: list[str], end: int, value: str) -> tuple[int, str]:
    """Fold the here-documents an instruction opens into it: (its last line, its value)."""
    for match in HEREDOC_RE.finditer(value):
        strip_tabs, word = match.group(1) == "-", match.group(3)
        body = []
        number = end
        while number < len(lines):
            text = lines[number]
            number += 1
            if (text.lstrip("\t") if strip_tabs else text).rstrip() == word:
                break
            body.append(text)
        else:
            raise ParseFailure(f"here-document {word} is never closed", end)
        end = number
        value += "\n" + "\n".join(body)
    return end, value


def _balanced(text: str) -> None:
    """An AppArmor profile's blocks open and close in order (what apparmor_parser checks first)."""
    from generator.check.apparmor_util import code_chars

    opened: list[tuple[int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if ("{" not in line and "}" not in line) or \
                line.lstrip().startswith(("#include", "include ")):
            continue  # quotes do not carry over lines: a line without braces changes nothing
        for column, char in code_chars(line):
            if char == "{":
                opened.append((number, column))
            elif char == "}":
                if not opened:
                    raise ParseFailure("'}' closes no block", number, column)
                opened.pop()
    if opened:
        raise ParseFailure("this block is never closed ('}' missing)", *opened[-1])


def parse_source(src: Source, *, positions: bool = True) -> list[Any]:
    kind, name, text = src.kind, src.name, src.text
    if kind == DOCKERFILE:
        return [parse_dockerfile(name, text)]
    if kind == APPARMOR:
        _balanced(text)
        return [TextDoc(name, text.splitlines())]
    if kind in (DOCKERIGNORE, PIPELINE):
        return [TextDoc(name, text.splitlines())]
    if kind in (SECCOMP, DAEMON):
        node = parse_json(name, text, positions=positions)
        if not isinstance(node, dict):
            raise ParseFailure(f"expected a JSON object in a {kind} file")
        return [YamlDoc(name, node, family=kind)]
    if kind == COMPOSE:
        nodes = parse_yaml_stream(name, text, positions=positions)
        if len(nodes) != 1 or not isinstance(nodes[0], dict):
            raise ParseFailure("a compose file is one YAML mapping")
        if not isinstance(nodes[0].get("services"), dict):
            raise ParseFailure("a compose file needs a `services` mapping")
        return [YamlDoc(name, nodes[0], family=COMPOSE)]
    if kind == KUBERNETES:
        if name.lower().endswith(".json"):
            nodes = [parse_json(name, text, positions=positions)]
        else:
            nodes = parse_yaml_stream(name, text, positions=positions)
        docs: list[YamlDoc] = []
        for i, node in enumerate(nodes):
            if _is_list(node):  # kind: List, or a typed list (PodList, DeploymentList)
                docs.extend(YamlDoc(name, item, i, family=KUBERNETES)
                            for item in node.get("items") or [] if isinstance(item, dict))
            elif isinstance(node, dict):
                docs.append(YamlDoc(name, node, i, family=KUBERNETES))
        return docs
    return []


def _is_list(node: Any) -> bool:
    return isinstance(node, dict) and str(node.get("kind", "")).endswith("List") and \
        isinstance(node.get("items"), list)

