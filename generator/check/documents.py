"""Positioned documents: what the checker parses and the rules read.

Every document keeps the positions its parser gave (dockerfile-parse for Dockerfiles,
ruamel.yaml round-trip for YAML and JSON), so each rule can say the line and column of what it
saw. Helpers here turn a node, key or list item into a `Hit`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.check.model import Hit

# ---------------------------------------------------------------------------------- YAML / JSON


def at_key(node: Any, key: Any, message: str | None = None) -> Hit:
    """The position of `key` in a mapping (its value's key: where a reader looks)."""
    if isinstance(node, CommentedMap) and key in node:
        line, col = node.lc.key(key)
        return Hit(line + 1, col + 1, message)
    return at_node(node, message)


def at_value(node: Any, key: Any, message: str | None = None) -> Hit:
    if isinstance(node, CommentedMap) and key in node:
        line, col = node.lc.value(key)
        return Hit(line + 1, col + 1, message)
    return at_node(node, message)


def at_item(seq: Any, index: int, message: str | None = None) -> Hit:
    if isinstance(seq, CommentedSeq) and index < len(seq):
        line, col = seq.lc.item(index)
        return Hit(line + 1, col + 1, message)
    return at_node(seq, message)


def at_node(node: Any, message: str | None = None) -> Hit:
    if isinstance(node, (CommentedMap, CommentedSeq)) and node.lc.line is not None:
        return Hit(node.lc.line + 1, (node.lc.col or 0) + 1, message)
    return Hit(1, 1, message)


def get(node: Any, *path: Any, default: Any = None) -> Any:
    """node[a][b]… or `default` when any step is missing or not a mapping/list."""
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return default
    return node


def mapping(node: Any) -> dict:
    return node if isinstance(node, dict) else {}


def seq(node: Any) -> list:
    return node if isinstance(node, list) else []


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@dataclass
class YamlDoc:
    """One YAML (or JSON) document with positions: a compose file, a manifest, a profile."""

    file: str
    node: Any
    index: int = 0  # which document of a multi-document stream
    family: str = ""  # compose, kubernetes, seccomp or daemon
    bundle: list["YamlDoc"] = field(default_factory=list)  # manifests deployed together

    @property
    def kind(self) -> str:
        return str(get(self.node, "kind", default="") or "")


# Kubernetes objects that hold a pod template, and where it is.
POD_SPEC_PATHS = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}


def pod_spec(doc: YamlDoc) -> dict | None:
    path = POD_SPEC_PATHS.get(doc.kind)
    if path is None:
        return None
    spec = get(doc.node, *path)
    return spec if isinstance(spec, dict) else None


def pod_metadata(doc: YamlDoc) -> dict:
    """The metadata of the pods a workload makes (labels and annotations live there)."""
    path = POD_SPEC_PATHS.get(doc.kind)
    if path is None:
        return {}
    return mapping(get(doc.node, *path[:-1], "metadata") if len(path) > 1
                   else get(doc.node, "metadata"))


def containers(spec: dict) -> Iterator[tuple[str, dict]]:
    """(name, container) for every container, init container and ephemeral container."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in seq(spec.get(key)):
            if isinstance(c, dict):
                yield str(c.get("name", "?")), c


def compose_services(doc: YamlDoc) -> Iterator[tuple[str, dict]]:
    for name, service in mapping(get(doc.node, "services")).items():
        if isinstance(service, dict):
            yield str(name), service


# ---------------------------------------------------------------------------------- Dockerfile


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, ...
    value: str  # arguments, continuation lines joined
    line: int  # 1-based first line
    end: int  # 1-based last line
    stage: int  # index of the stage it belongs to (-1 before the first FROM)

    def flags(self) -> dict[str, str]:
        """Leading `--flag=value` options (RUN --mount, COPY --from, HEALTHCHECK --interval)."""
        found: dict[str, str] = {}
        for word in self.value.split():
            if not word.startswith("--"):
                break
            name, _, val = word[2:].partition("=")
            found[name.lower()] = val
        return found

    def args(self) -> str:
        """The value without its leading flags."""
        words = self.value.split(" ")
        rest = list(words)
        while rest and (rest[0].startswith("--") or rest[0] == ""):
            rest.pop(0)
        return " ".join(rest).strip()

    @property
    def exec_form(self) -> bool:
        return self.args().startswith("[")


@dataclass
class Stage:
    index: int
    base: str  # the image as written (ARGs before the first FROM substituted)
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


@dataclass
class DockerfileDoc:
    file: str
    lines: list[str]  # the raw text, for columns and comments
    instructions: list[Instruction]
    stages: list[Stage]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_names(self) -> set[str]:
        return {s.name.lower() for s in self.stages if s.name}

    def find(self, instr: Instruction, pattern: str | re.Pattern, message: str | None = None,
             flags: int = re.IGNORECASE) -> Hit:
        """The position of the first match of `pattern` within the instruction's lines."""
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        for number in range(instr.line, instr.end + 1):
            text = self.lines[number - 1] if number - 1 < len(self.lines) else ""
            if text.lstrip().startswith("#"):
                continue
            match = regex.search(text)
            if match:
                return Hit(number, match.start() + 1, message, anchor=instr.line)
        return self.at(instr, message)

    def at(self, instr: Instruction, message: str | None = None) -> Hit:
        text = self.lines[instr.line - 1] if instr.line - 1 < len(self.lines) else ""
        return Hit(instr.line, len(text) - len(text.lstrip()) + 1, message, anchor=instr.line)

    def end_hit(self, message: str | None = None) -> Hit:
        """For something missing from the whole file: the final stage's FROM line."""
        stage = self.final
        if stage is None:
            return Hit(1, 1, message)
        return Hit(stage.line, 1, message, anchor=stage.line)


def shell_words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return text.split()


def run_commands(instr: Instruction) -> list[str]:
    """A RUN's shell command split at `&&`, `||`, `;` and newlines (exec form: one command)."""
    body = instr.args()
    if body.startswith("["):
        import json
        try:
            return [" ".join(str(a) for a in json.loads(body))]
        except ValueError:
            return [body]
    parts = re.split(r"&&|\|\||;|\n", body)
    return [p.strip() for p in parts if p.strip()]


# ---------------------------------------------------------------------------------- plain text


@dataclass
class TextDoc:
    """An AppArmor profile or a .dockerignore: lines, 1-based."""

    file: str
    lines: list[str]

    def numbered(self) -> Iterator[tuple[int, str]]:
        for number, text in enumerate(self.lines, start=1):
            yield number, text
