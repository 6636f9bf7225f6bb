"""Positioned documents: what the checker parses and the rules read.

Every document keeps the positions its parser gave (dockerfile-parse for Dockerfiles,
ruamel.yaml round-trip for YAML and JSON), so each rule can say the line and column of what it
saw. Helpers here turn a node, key or list item into a `Hit`.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.check.model import Hit

if TYPE_CHECKING:  # shell imports this module: its parser is imported where it is used
    from generator.check.shell import Script

# A parsed YAML or JSON mapping: its keys and values are whatever the file holds.
YamlMap = dict[Any, Any]

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


def mapping(node: Any) -> YamlMap:
    return node if isinstance(node, dict) else {}


def seq(node: Any) -> list[Any]:
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
    pods: list[PodTemplate] | None = field(default=None, init=False, repr=False,
                                           compare=False)  # pod_templates' answer, once read
    containers_read: list[Any] | None = field(default=None, init=False, repr=False,
                                              compare=False)  # workloads' answer, once read

    @property
    def kind(self) -> str:
        return str(get(self.node, "kind", default="") or "")


# Kubernetes objects that hold a pod template, and where it is. Other kinds (Argo Rollouts,
# Knative Services, OpenShift DeploymentConfigs, operators' custom resources) are searched:
# any mapping with a `containers` list is a pod spec, and its sibling `metadata` the pod's.
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
SEARCH_DEPTH = 8  # how deep a custom resource's pod template may sit


class PodTemplate(NamedTuple):
    """A pod spec found in a Kubernetes document, and where it sits."""

    spec: YamlMap
    metadata: YamlMap  # the pods' own metadata (labels, annotations), {} when there is none
    path: tuple[Any, ...]  # where the spec is, e.g. ("spec", "template", "spec")


def pod_templates(doc: YamlDoc) -> list[PodTemplate]:
    """Every pod template the object holds (most hold one; some custom resources several)."""
    if doc.pods is not None:
        return doc.pods
    path = POD_SPEC_PATHS.get(doc.kind)
    found: list[PodTemplate] = []
    if path is not None:
        spec = get(doc.node, *path)
        if isinstance(spec, dict):
            meta = get(doc.node, *path[:-1], "metadata") if len(path) > 1 else \
                get(doc.node, "metadata")
            found.append(PodTemplate(spec, mapping(meta), path))
    elif doc.family == "kubernetes":
        _search(doc.node, (), found, depth=0)
    doc.pods = found
    return found


def _search(node: Any, path: tuple[Any, ...], found: list[PodTemplate], depth: int) -> None:
    if depth > SEARCH_DEPTH or not isinstance(node, (dict, list)):
        return
    if isinstance(node, list):
        for i, item in enumerate(node):
            _search(item, path + (i,), found, depth + 1)
        return
    for key, value in node.items():
        if key == "metadata" and not path:
            continue  # the object's own metadata holds no pod
        if isinstance(value, dict) and isinstance(value.get("containers"), list):
            parent = node
            found.append(PodTemplate(value, mapping(parent.get("metadata")), path + (key,)))
        else:
            _search(value, path + (key,), found, depth + 1)


def misshapen(doc: YamlDoc) -> str | None:
    """Why a workload of a known kind cannot be judged: a step to its pod spec is not a
    mapping (`spec:` written as a list). A missing step is a partial object, not an error."""
    path = POD_SPEC_PATHS.get(doc.kind)
    if path is None or pod_templates(doc):
        return None
    node: Any = doc.node
    for depth, step in enumerate(path):
        value = node.get(step) if isinstance(node, dict) else None
        where = ".".join(path[:depth + 1])
        if value is None:
            return None  # a partial object (a kustomize patch): nothing to judge here
        if not isinstance(value, dict):
            shape = "a list" if isinstance(value, list) else f"'{value}'"
            return (f"{doc.kind} {where} is {shape}, not a mapping, so its containers were not "
                    "checked")
        node = value
    return None


def pod_spec(doc: YamlDoc) -> YamlMap | None:
    pods = pod_templates(doc)
    return pods[0].spec if pods else None


def pod_metadata(doc: YamlDoc) -> YamlMap:
    """The metadata of the pods a workload makes (labels and annotations live there)."""
    pods = pod_templates(doc)
    return pods[0].metadata if pods else {}


def containers(spec: YamlMap) -> Iterator[tuple[str, YamlMap]]:
    """(name, container) for every container, init container and ephemeral container."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in seq(spec.get(key)):
            if isinstance(c, dict):
                yield str(c.get("name", "?")), c


def compose_services(doc: YamlDoc) -> Iterator[tuple[str, YamlMap]]:
    for name, service in mapping(get(doc.node, "services")).items():
        if isinstance(service, dict):
            yield str(name), service


# ---------------------------------------------------------------------------------- Dockerfile


@dataclass
class Instruction:
    """One Dockerfile instruction, its lines and its stage."""

    keyword: str  # upper case: FROM, RUN, ...
    value: str  # arguments, continuation lines joined
    line: int  # 1-based first line
    end: int  # 1-based last line
    stage: int  # index of the stage it belongs to (-1 before the first FROM)
    onbuild: bool = False  # ONBUILD RUN …: runs in every image built FROM this one

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
    """One FROM stage of a Dockerfile being checked."""

    index: int
    base: str  # the image as written (ARGs before the first FROM substituted)
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


@dataclass
class DockerfileDoc:
    """A Dockerfile read into instructions and stages."""

    file: str
    lines: list[str]  # the raw text, for columns and comments
    instructions: list[Instruction]
    stages: list[Stage]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_names(self) -> set[str]:
        return {s.name.lower() for s in self.stages if s.name}

    def find(self, instr: Instruction, pattern: str | re.Pattern[str], message: str | None = None,
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


# What shlex splits on, and what makes it do more than split there.
_SHELL_BLANKS = re.compile(r"[ \t\r\n]+")
_SHELL_QUOTING = re.compile(r"['\"\\]")


def shell_words(text: str) -> list[str]:
    """Words as a POSIX shell splits them (quotes and backslashes applied)."""
    if not _SHELL_QUOTING.search(text):  # most values: the same words, without shlex's cost
        return [word for word in _SHELL_BLANKS.split(text) if word]
    return list(_quoted_shell_words(text))


@functools.lru_cache(maxsize=1024)
def _quoted_shell_words(text: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(text, comments=False, posix=True))
    except ValueError:
        return tuple(text.split())


def run_script(instr: Instruction) -> Script:
    """A RUN's script as parsed shell (generator.check.shell.Script)."""
    from generator.check.shell import parse, script_of

    return parse(script_of(instr.args()))


def run_commands(instr: Instruction) -> list[str]:
    """Each simple command a RUN runs, as one line (wrappers such as sudo looked through)."""
    return [c.text for c in run_script(instr).commands if not c.wrapper]


# ---------------------------------------------------------------------------------- plain text


@dataclass
class TextDoc:
    """An AppArmor profile or a .dockerignore: lines, 1-based."""

    file: str
    lines: list[str]
    # what several rules read the same way (an AppArmor profile's rule lines), read once
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def numbered(self) -> Iterator[tuple[int, str]]:
        for number, text in enumerate(self.lines, start=1):
            yield number, text
