"""`check`: find files, tell their kind, parse them into positioned documents, run the rules,
apply suppressions. Never prints; returns findings (frozen data) for the report writers.

One bad file never stops the others: a file that does not read or parse becomes a TS-P01
finding at the parser's position, and checking goes on.
"""

from __future__ import annotations

import fnmatch
import functools
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.check import discover as discovery
from generator.check.documents import (
    DockerfileDoc,
    Instruction,
    Stage,
    TextDoc,
    YamlDoc,
    at_node,
    misshapen,
)
from generator.check.model import (
    APPARMOR,
    COMPOSE,
    DAEMON,
    DOCKERFILE,
    DOCKERIGNORE,
    KUBERNETES,
    PIPELINE,
    SECCOMP,
    Context,
    Finding,
    Hit,
    Rule,
)
from generator.check.read import (
    MAX_FLOW_DEPTH,
    NotRead,
    flow_depth,
    parse_trouble,
    read_bounded,
)
from generator.check.rules import ALL_RULES, BY_ID
from generator.check.rules.meta import PARSE_RULE, SUPPRESSION_RULE
from generator.errors import TightshipError
from generator.messages import clip

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
             ".tox", ".mypy_cache", ".pytest_cache", "vendor"}
DOCKERFILE_KEYWORDS = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
                       "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                       "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
# Kinds read without positions first (fast); read again with them only when a rule reports.
PLAIN_FIRST = (SECCOMP, DAEMON, COMPOSE, KUBERNETES)
NOT_DOCKERFILE_SUFFIXES = {"py", "pyc", "j2", "jinja", "jinja2", "tmpl", "tpl", "md", "rst",
                           "txt", "go", "js", "ts", "json", "yaml", "yml", "sh", "rb", "java",
                           "html", "orig", "rej", "swp", "bak", "toml", "cfg", "ini", "lock"}
SUPPRESS_RE = re.compile(
    r"#\s*tightship:\s*ignore(?P<file>-file)?\b\s*(?P<ids>(?:TS-[A-Za-z0-9.]+\s*,?\s*)*)"
    r"(?P<reason>.*)$")
APPARMOR_SNIFF = re.compile(r"^\s*(#include\s*<tunables/|abi\s*<|profile\s+\S+.*\{|"
                            r"/\S+\s+(flags=\([^)]*\)\s*)?\{)", re.MULTILINE)


class SelfCheckError(TightshipError):
    """The rendered files break tightship's own rules: nothing is written.

    The answers, the profile or an organisation's template override led there, so it is bad
    input (exit 2); each finding is named by rendered file, line and rule, on one line.
    """

    exit_code = 2

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        named = "; ".join(f"{f.file}:{f.line}:{f.column}: {f.rule} ({f.severity}) "
                          f"{clip(f.message)}" for f in self.findings)
        super().__init__("the answers, profile or templates give files that break "
                         f"tightship's own rules, so nothing was written: {named}")


class ParseFailure(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.column = max(column, 1)


@dataclass(frozen=True)
class Suppression:
    rules: tuple[str, ...]
    reason: str
    line: int  # where the comment is (0 for a profile entry)
    whole_file: bool = False


@dataclass(frozen=True)
class ProfileSuppression:
    rule: str
    paths: tuple[str, ...]
    reason: str


@dataclass
class Source:
    """One file to check: its name as shown, its text, and what kind it is."""

    name: str
    text: str
    kind: str | None
    explicit: bool = True  # named on the command line (an unknown kind is then reported)
    path: Path | None = None
    docs: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


# ------------------------------------------------------------------------------ kinds


def kind_from_name(name: str) -> str | None:
    base = os.path.basename(name)
    lower = base.lower()
    if lower == ".dockerignore" or lower.endswith(".dockerignore"):  # Dockerfile.dockerignore too
        return DOCKERIGNORE
    if lower in ("dockerfile", "containerfile") or lower.endswith((".dockerfile",
                                                                 ".containerfile")):
        return DOCKERFILE
    if lower.startswith(("dockerfile.", "containerfile.")):
        # Dockerfile.prod is one; dockerfile.py or Dockerfile.j2 (a template) is not
        return None if lower.rsplit(".", 1)[-1] in NOT_DOCKERFILE_SUFFIXES else DOCKERFILE
    if lower == "daemon.json":
        return DAEMON
    if lower.endswith(".sh") or lower in (".gitlab-ci.yml", ".gitlab-ci.yaml") or \
            _in_workflows(name):
        return PIPELINE
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".apparmor", ".aa")) or "apparmor" in name.replace("\\", "/").lower():
        return "text"
    if "." not in base:
        return "text"
    return None


def _in_workflows(name: str) -> bool:
    """A GitHub Actions workflow: .github/workflows/*.yml."""
    parts = name.replace("\\", "/").lower().split("/")
    return len(parts) >= 3 and parts[-3:-1] == [".github", "workflows"] and \
        parts[-1].endswith((".yml", ".yaml"))


def kind_of(name: str, text: str) -> str | None:
    """The kind of a file from its name, and where the name is not enough, its content."""
    kind = kind_from_name(name)
    if kind == "json":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # broken: judge by its words, so a broken
            # file is reported
            if re.search(r"\"(defaultAction|syscalls)\"", text):
                return SECCOMP
            return KUBERNETES if re.search(r"\"apiVersion\"", text) and \
                re.search(r"\"kind\"", text) else None
        is_seccomp = isinstance(data, dict) and (
            "defaultAction" in data or isinstance(data.get("syscalls"), list))
        if is_seccomp:
            return SECCOMP
        # a Kubernetes manifest written as JSON (kubectl -o json, generated manifests)
        return KUBERNETES if isinstance(data, dict) and "apiVersion" in data and \
            "kind" in data else None
    if kind == "text":
        return APPARMOR if APPARMOR_SNIFF.search(text) else None
    if kind == "yaml":
        lower = os.path.basename(name).lower()
        if lower.startswith(("compose", "docker-compose")):
            return COMPOSE
        if re.search(r"^apiVersion\s*:", text, re.MULTILINE) and \
                re.search(r"^kind\s*:", text, re.MULTILINE):
            return KUBERNETES
        if re.search(r"^services\s*:", text, re.MULTILINE):
            return COMPOSE
        return None
    return kind


# ------------------------------------------------------------------------------ parsing


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


def _yaml():
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

        class Loader(yaml.CSafeLoader):
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

    try:
        return [d for d in yaml.load_all(text, Loader=_plain_loader()) if d is not None]
    except Exception:
        return None


def _positioned_yaml_stream(text: str) -> list[Any] | None:
    """YAML with ruamel's positions, read by libyaml; None: the round-trip loader reads it."""
    from generator.check.yamlpos import load_positioned

    return load_positioned(text, _plain_loader()) if POSITIONS_BY_LIBYAML else None


POSITIONS_BY_LIBYAML = True  # False: every position from ruamel's round-trip loader (tests)


def parse_yaml_stream(name: str, text: str, *, positions: bool = True) -> list[Any]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

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


def _balanced(text: str) -> None:
    """An AppArmor profile's blocks open and close in order (what apparmor_parser checks first)."""
    from generator.check.apparmor_util import code_chars

    opened: list[tuple[int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("#include", "include ")):
            continue
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
        docs = []
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


def _misshapen(src: Source) -> None:
    """A workload whose pod spec is not a mapping: say so (TS-P01) where it is."""
    if not any(misshapen(d) for d in src.docs):
        return
    for doc in parse_source(src, positions=True):
        why = misshapen(doc)
        if why:
            _failed(src, why, *_position(doc.node))


def _position(node: Any) -> tuple[int, int]:
    hit = at_node(node)
    return hit.line, hit.column


# ------------------------------------------------------------------------------ discovery


def _display(path: Path) -> str:
    try:  # realpath, not resolve: a symlink loop is reported by its reader, not raised here
        rel = Path(os.path.realpath(path)).relative_to(_real_cwd(os.getcwd()))
        return rel.as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Sequence[str | Path]) -> list[tuple[Path, bool]]:
    """Files to check, in a stable order: (path, named explicitly)."""
    return _discover(paths).files


def _discover(paths: Sequence[str | Path]) -> discovery.Discovery:
    return discovery.discover(paths, lambda name: kind_from_name(name) is not None, SKIP_DIRS)


def read_source(path: Path, explicit: bool) -> Source:
    name = _display(path)
    try:
        data = read_bounded(path)
    except NotRead as exc:
        return _failed(Source(name, "", None, explicit, path), exc.message)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not explicit and kind_from_name(name) == "text":
            return Source(name, "", None, explicit, path)  # a binary met in a folder: not ours
        line = data[:exc.start].count(b"\n") + 1
        return _failed(Source(name, "", None, explicit, path),
                       f"not UTF-8 text (byte {exc.start})", line)
    return Source(name, text, kind_of(name, text), explicit, path)


def _failed(src: Source, message: str, line: int = 1, column: int = 1) -> Source:
    src.findings.append(_finding(PARSE_RULE, src.name, Hit(line, column, message)))
    return src


def _finding(rule: Rule, file: str, hit: Hit) -> Finding:
    return Finding(file=file, line=hit.line, column=hit.column, rule=rule.id,
                   severity=rule.severity, message=hit.message or rule.message, hint=rule.hint)


# ------------------------------------------------------------------------------ bundles


def _maybe_symlink(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:  # cannot tell: resolve it
        return True


@functools.lru_cache(maxsize=8)
def _real_cwd(cwd: str) -> str:
    return os.path.realpath(cwd)


def _real(path: Path) -> Path:
    """The path with symlinks resolved; unlike Path.resolve, never raises on a loop."""
    return Path(os.path.realpath(path))


def _kustomize_groups(sources: list[Source]) -> dict[str, str]:
    """file name → the kustomization that deploys it (its folder), for cross-document rules."""
    groups: dict[str, str] = {}
    kustomizations = [s for s in sources if s.path is not None and
                      s.path.name.lower() in ("kustomization.yaml", "kustomization.yml")]
    if not kustomizations:  # resolving every path costs more than all the YAML
        return groups

    def resources(kfile: Path, seen: set[Path]) -> list[Path]:
        if kfile in seen:
            return []
        seen.add(kfile)
        try:
            nodes = parse_yaml_stream(str(kfile), read_bounded(kfile).decode("utf-8"),
                                      positions=False)
        except (NotRead, ParseFailure, UnicodeDecodeError):
            return []
        node = nodes[0] if nodes and isinstance(nodes[0], dict) else {}
        out: list[Path] = []
        for entry in list(node.get("resources") or []) + list(node.get("bases") or []):
            target = _real(kfile.parent / str(entry))
            if target.is_dir():
                for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
                    if (target / name).is_file():
                        out.extend(resources(_real(target / name), seen))
                        break
            elif target.is_file():
                out.append(target)
        return out

    deployed = [(src, resources(_real(src.path), set())) for src in kustomizations]
    # Only a file named like a target, or a symlink, can resolve to one: resolve just those.
    names = {target.name for _, targets in deployed for target in targets}
    by_path = {_real(s.path): s for s in sources if s.path is not None and
               (s.path.name in names or _maybe_symlink(s.path))}
    for src, targets in deployed:
        for target in targets:
            if target in by_path:
                groups.setdefault(by_path[target].name, src.name)
    return groups


def _bundle_key(src: Source, groups: dict[str, str]) -> str:
    if src.name in groups:
        return "k:" + groups[src.name]
    return "d:" + os.path.dirname(src.name)


# ------------------------------------------------------------------------------ suppressions


def inline_suppressions(text: str) -> tuple[list[Suppression], list[Hit]]:
    """Suppression comments, and a hit for each that gives no reason or names no known rule."""
    found: list[Suppression] = []
    bad: list[Hit] = []
    if "tightship:" not in text:
        return found, bad
    for number, line in enumerate(text.splitlines(), start=1):
        match = SUPPRESS_RE.search(line)
        if not match:
            continue
        column = match.start() + 1
        ids = tuple(i for i in re.split(r"[\s,]+", match.group("ids").strip()) if i)
        reason = match.group("reason").strip().lstrip("-:—").strip()
        unknown = [i for i in ids if i not in BY_ID]
        if not ids:
            bad.append(Hit(number, column, "a suppression must name the rule(s) it ignores"))
        elif unknown:
            bad.append(Hit(number, column, f"a suppression names unknown rule(s) "
                                           f"{', '.join(unknown)}"))
        elif len(reason) < 3:
            bad.append(Hit(number, column, f"suppression of {', '.join(ids)} gives no reason"))
        else:
            found.append(Suppression(ids, reason, number, bool(match.group("file"))))
    return found, bad


def _comment_block_above(lines: list[str], line: int) -> range:
    """The lines of the comments directly above `line` (1-based), and `line` itself."""
    start = line
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    return range(start, line + 1)


def _apply(findings: list[Finding], src: Source, hits_anchor: dict[int, int],
           suppressions: list[Suppression],
           profile: Sequence[ProfileSuppression]) -> list[Finding]:
    lines = src.text.splitlines()
    out = []
    for i, f in enumerate(findings):
        reason = via = None
        if f.rule != PARSE_RULE.id and f.rule != SUPPRESSION_RULE.id:
            anchor = hits_anchor.get(i, f.line)
            covered = set(_comment_block_above(lines, anchor)) | {f.line} if lines else set()
            for s in suppressions:
                if f.rule in s.rules and (s.whole_file or s.line in covered):
                    reason, via = s.reason, "inline"
                    break
            if reason is None:
                for p in profile:
                    if p.rule == f.rule and any(fnmatch.fnmatch(src.name, g) for g in p.paths):
                        reason, via = p.reason, "profile"
                        break
        if reason is not None:
            f = Finding(**{**f.__dict__, "suppressed": True, "reason": reason, "via": via})
        out.append(f)
    return out


# ------------------------------------------------------------------------------ running


def _run(rule: Rule, doc: Any, ctx: Context) -> list[Hit]:
    return list(rule.check(doc, ctx) or ())


def _hits(src: Source, ctx: Context) -> list[tuple[Rule, Hit]]:
    found: list[tuple[Rule, Hit]] = []
    for rule in rules_for(src.kind) if src.docs else ():
        for doc in src.docs:
            try:
                found.extend((rule, hit) for hit in _run(rule, doc, ctx))
            except Exception as exc:  # a rule's bug must not stop the other files
                found.append((PARSE_RULE, Hit(1, 1, f"{rule.id} could not check this file "
                                                    f"({type(exc).__name__}: {exc})")))
    return found


def rules_for(kind: str) -> list[Rule]:
    return [r for r in ALL_RULES if kind in r.kinds]


def check_sources(sources: list[Source], ctx: Context,
                  profile_suppressions: Sequence[ProfileSuppression] = ()) -> list[Finding]:
    """Parse and check each source; returns every finding, sorted by file, line, column."""
    for src in sources:
        if src.findings or src.kind is None:
            if src.kind is None and not src.findings and src.explicit:
                _failed(src, "not a Dockerfile, .dockerignore, compose file, Kubernetes "
                             "manifest, seccomp or AppArmor profile, or daemon.json")
            continue
        try:
            src.docs = parse_source(src, positions=src.kind not in PLAIN_FIRST)
            if src.kind == KUBERNETES:
                _misshapen(src)
        except ParseFailure as exc:
            _failed(src, exc.message, exc.line, exc.column)
        except RecursionError:
            _failed(src, "the file nests too deeply to read")

    groups = _kustomize_groups(sources)
    bundles: dict[str, list[YamlDoc]] = {}
    for src in sources:
        if src.kind == KUBERNETES:
            for doc in src.docs:
                bundles.setdefault(_bundle_key(src, groups), []).append(doc)
    for src in sources:
        if src.kind == KUBERNETES:
            for doc in src.docs:
                doc.bundle = bundles[_bundle_key(src, groups)]

    results: list[Finding] = []
    for src in sources:
        findings = list(src.findings)
        anchors: dict[int, int] = {}
        hits = _hits(src, ctx)
        if hits and src.kind in PLAIN_FIRST:  # read without positions: now find where
            bundles = [getattr(doc, "bundle", []) for doc in src.docs]
            try:
                src.docs = parse_source(src, positions=True)
            except ParseFailure as exc:
                src.docs = []
                findings.append(_finding(PARSE_RULE, src.name,
                                         Hit(exc.line, exc.column, exc.message)))
            for doc in src.docs:  # the same manifests deployed with it, for lookups
                doc.bundle = bundles[0] if bundles else []
            hits = _hits(src, ctx)
        for rule, hit in hits:
            if rule is PARSE_RULE:
                findings.append(_finding(PARSE_RULE, src.name, hit))
                continue
            anchors[len(findings)] = hit.anchor or hit.line
            findings.append(_finding(rule, src.name, hit))
        suppressions, bad = inline_suppressions(src.text)
        for hit in bad:
            findings.append(_finding(SUPPRESSION_RULE, src.name, hit))
        findings = _apply(findings, src, anchors, suppressions, profile_suppressions)
        results.extend(dict.fromkeys(findings))  # one finding per place, rule and message
    return sort_findings(results)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule, f.message))


def check_paths(paths: Sequence[str | Path], ctx: Context,
                profile_suppressions: Sequence[ProfileSuppression] = (),
                notes: list[str] | None = None) -> tuple[list[Finding], int]:
    """Check files and folders; returns (findings, number of files checked).

    What was skipped (a FIFO, a device met in a folder) is added to `notes`.
    """
    found = _discover(paths)
    if notes is not None:
        notes.extend(f"skipped {_display(p)}: {kind}, not a regular file"
                     for p, kind in found.skipped)
    sources = [read_source(p, explicit) for p, explicit in found.files]
    sources += [_failed(Source(_display(p), "", None, True, p), message)
                for p, message in found.problems]
    for src in sources:
        if src.kind is None and not src.findings and kind_from_name(src.name) == "yaml" \
                and "{{" not in src.text:
            try:  # a YAML file whose kind cannot be told because it does not parse
                parse_yaml_stream(src.name, src.text)
            except ParseFailure as exc:
                _failed(src, exc.message, exc.line, exc.column)
    sources = [s for s in sources if s.kind is not None or s.explicit or s.findings]
    return check_sources(sources, ctx, profile_suppressions), len(sources)


def check_texts(files: dict[str, str], ctx: Context,
                profile_suppressions: Sequence[ProfileSuppression] = ()) -> list[Finding]:
    """Check files held in memory ({name: text}), e.g. what the generator just rendered.

    Files whose kind cannot be told (a README, an answers file) are not checked.
    """
    sources = []
    for name, text in files.items():
        kind = kind_of(name, text)
        if kind is not None:
            sources.append(Source(name, text, kind, explicit=False))
    return check_sources(sources, ctx, profile_suppressions)


def profile_settings(profile: Any) -> tuple[Context, list[ProfileSuppression], list[Finding]]:
    """The rule context and suppressions a profile gives, and findings for bad entries."""
    from generator.yamlio import locate

    ctx = Context.from_profile(profile)
    entries = (profile.data or {}).get("suppressions") or []
    good: list[ProfileSuppression] = []
    bad: list[Finding] = []
    for i, entry in enumerate(entries):
        rule = str(entry.get("rule", ""))
        reason = str(entry.get("reason") or "").strip()
        paths = entry.get("paths") or ["*"]
        if isinstance(paths, str):
            paths = [paths]
        file, line = locate(profile.layers, ["suppressions", i])
        if rule not in BY_ID:
            bad.append(_finding(SUPPRESSION_RULE, file, Hit(line or 1, 1,
                       f"profile suppression names unknown rule '{rule}'")))
        elif len(reason) < 3:
            bad.append(_finding(SUPPRESSION_RULE, file, Hit(line or 1, 1,
                       f"profile suppression of {rule} gives no reason")))
        else:
            good.append(ProfileSuppression(rule, tuple(str(p) for p in paths), reason))
    return ctx, good, bad
