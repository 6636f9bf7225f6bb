"""No text a user types can add a Dockerfile instruction or a shell command.

Hypothesis throws arbitrary strings at every free-text field. Each run is either refused
(exit 2, one line naming the field) or renders a Dockerfile that a real parser
(dockerfile-parse) reads back as exactly the intended instructions, with the value intact.
"""

from __future__ import annotations

import json
import re

import fuzz_budget
from cli_support import run_cli
from dockerfile_parse import DockerfileParser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from yaml_support import read_yaml

BASE = {
    "service": "api",
    "runtime": "python",
    "build": {"dependencies": ["requirements.txt"], "sources": ["app/"]},
    "command": ["python3", "-m", "app"],
    "ports": [8080],
    "healthcheck": {"http": "/healthz"},
    "env": {"MODE": "prod"},
    "labels": {"description": "an api", "version": "1.0.0",
               "source": "https://example.com/api"},
    "writable": ["/tmp"],
}
# Arbitrary text, with the characters that matter for injection made likely.
PIECES = list("\n\r\x00\t\\\"'$`;|&<>(){}[]# =:/.,-_@+") + [
    "RUN ", "USER root", "\\\n", "\u2028", "\u0085", "é", "a", "Z"]
NASTY = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
TEXT = st.one_of(st.text(max_size=40), NASTY)


def parse(text: str) -> DockerfileParser:
    parser = DockerfileParser(fileobj=__import__("io").BytesIO())
    parser.content = text
    return parser


def instructions(parser: DockerfileParser) -> list[str]:
    return [item["instruction"] for item in parser.structure]


def render(tmp_path, answers: dict, sub: str):
    folder = tmp_path / sub
    folder.mkdir(parents=True, exist_ok=True)
    # JSON is YAML too, and its escapes say exactly which characters a value holds. Non-ASCII
    # is escaped YAML's way (\\U for astral characters: YAML does not join surrogate pairs).
    text = re.sub(r"[^\x00-\x7f]", _yaml_escape, json.dumps(answers, indent=1,
                                                           ensure_ascii=False))
    (folder / "tightship.yaml").write_text(text, encoding="utf-8")
    result = run_cli("render", "--out", "out", "--force", cwd=folder)
    dockerfile = folder / "out" / "Dockerfile"
    return result, (dockerfile.read_text(encoding="utf-8") if result.code == 0 else None)


def _yaml_escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def as_written(tmp_path, path: tuple):
    """The value as the answers file really says it (YAML folds some line breaks itself)."""
    with open(tmp_path / "case" / "tightship.yaml", encoding="utf-8") as handle:
        value = YAML(typ="safe", pure=True).load(handle)
    for key in path:
        value = value[key]
    return value


def _baseline(tmp_path) -> list[str]:
    result, text = render(tmp_path, BASE, "baseline")
    assert result.code == 0, result.err
    return instructions(parse(text))


def _plain_source_shape(tmp_path) -> list[str]:
    """The shape for a source that is one non-Python file: nothing to byte-compile, so no
    compileall step (a real difference, not an injected instruction)."""
    if not PLAIN_SOURCE_SHAPE:
        answers = _with(("build", "sources"), ["data.txt"])
        result, text = render(tmp_path, answers, "plain-source")
        assert result.code == 0, result.err
        PLAIN_SOURCE_SHAPE[:] = instructions(parse(text))
        assert "compileall" not in text  # the one step left out, with its comment
        assert PLAIN_SOURCE_SHAPE.count("RUN") == BASELINE_SHAPE.count("RUN") - 1
    return PLAIN_SOURCE_SHAPE


def _with(path: tuple, value) -> dict:
    answers = json.loads(json.dumps(BASE))
    target = answers
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return answers


def _refused_cleanly(result, field: str) -> None:
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    # a character YAML itself refuses: named by line (a value may itself read "invalid YAML")
    if re.match(r"^tightship: error: tightship\.yaml:\d+: invalid YAML", lines[0]):
        pass
    elif "tightship's own rules" in lines[0]:  # valid text that a rule refuses, e.g. `sh -c "a &"`
        assert re.search(r"\b[\w./-]+:\d+:\d+: TS-\w+", lines[0]), lines[0]
    else:
        assert f": {field}" in lines[0], result.err


FIELDS = {
    # field path in the answers → how to read the value back out of the parsed Dockerfile
    ("command",): "cmd",
    ("healthcheck", "command"): "health",
    ("env", "MODE"): "env",
    ("labels", "description"): "label",
    ("labels", "source"): "source",
    ("healthcheck", "http"): "http",
}
# TIGHTSHIP_FUZZ_EXAMPLES raises the count for a longer hunt than a test run affords.
SETTINGS = settings(max_examples=fuzz_budget.examples(60),
                    deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(tmp_path, path: tuple, value) -> None:
    answers = _with(path, value)
    if path == ("healthcheck", "command"):
        answers["healthcheck"].pop("http")
    result, text = render(tmp_path, answers, "case")
    field = ".".join(path)
    if result.code != 0:
        _refused_cleanly(result, field.split(".")[0])
        return
    parser = parse(text)
    assert instructions(parser) == BASELINE_SHAPE, text
    value = as_written(tmp_path, path)
    kind = FIELDS[path]
    if kind == "cmd":
        cmd = [i["value"] for i in parser.structure if i["instruction"] == "CMD"][-1]
        assert json.loads(cmd) == value
    elif kind == "health":
        health = [i["value"] for i in parser.structure if i["instruction"] == "HEALTHCHECK"][-1]
        assert json.loads(health.split(" CMD ", 1)[1]) == value
    elif kind == "env":
        assert parser.envs["MODE"] == value
    elif kind == "label":
        assert parser.labels["org.opencontainers.image.description"] == value
    elif kind == "source":
        assert parser.labels["org.opencontainers.image.source"] == value
    elif kind == "http":
        health = [i["value"] for i in parser.structure if i["instruction"] == "HEALTHCHECK"][-1]
        argv = json.loads(health.split(" CMD ", 1)[1])
        assert argv[-1] == f"http://127.0.0.1:8080{value}"


BASELINE_SHAPE: list[str] = []
PLAIN_SOURCE_SHAPE: list[str] = []


def test_baseline_shape(tmp_path):
    BASELINE_SHAPE[:] = _baseline(tmp_path)
    assert BASELINE_SHAPE.count("FROM") == 2 and BASELINE_SHAPE[-1] == "CMD"


@SETTINGS
@given(argv=st.lists(TEXT, min_size=1, max_size=4))
def test_command_items(tmp_path, argv):
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    _check(tmp_path, ("command",), argv)


@SETTINGS
@given(argv=st.lists(TEXT, min_size=1, max_size=4))
def test_healthcheck_command_items(tmp_path, argv):
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    _check(tmp_path, ("healthcheck", "command"), argv)


@SETTINGS
@given(value=TEXT)
def test_env_value(tmp_path, value):
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    _check(tmp_path, ("env", "MODE"), value)


@SETTINGS
@given(value=TEXT)
def test_label_description(tmp_path, value):
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    _check(tmp_path, ("labels", "description"), value)


@SETTINGS
@given(value=st.one_of(TEXT, TEXT.map(lambda t: "https://" + t)))
def test_label_source(tmp_path, value):
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    _check(tmp_path, ("labels", "source"), value)


@SETTINGS
@given(value=st.one_of(TEXT, TEXT.map(lambda t: "/" + t)))
def test_healthcheck_http_path(tmp_path, value):
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    _check(tmp_path, ("healthcheck", "http"), value)


@SETTINGS
@given(key=TEXT)
def test_env_key(tmp_path, key):
    """A key is either refused or becomes exactly one ENV variable of that name."""
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    answers = _with(("env",), {key: "v"})
    result, text = render(tmp_path, answers, "case")
    if result.code != 0:
        _refused_cleanly(result, "env")
        return
    parser = parse(text)
    assert instructions(parser) == BASELINE_SHAPE
    assert parser.envs[key] == "v" and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key)


@SETTINGS
@given(name=TEXT, source=TEXT, writable=TEXT)
@example(name="0", source="0", writable="0")  # a source with nothing to byte-compile
def test_names_and_paths(tmp_path, name, source, writable):
    """Service name, context paths and writable paths: refused, or used verbatim."""
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    answers = _with(("service",), name)
    answers["build"]["sources"] = [source]
    answers["writable"] = ["/tmp", "/" + writable]
    result, text = render(tmp_path, answers, "case")
    if result.code != 0:
        assert result.code == 2
        assert len(result.err.strip().splitlines()) == 1
        return
    parser = parse(text)
    compiled = source.endswith(("/", ".py"))
    assert instructions(parser) == (BASELINE_SHAPE if compiled else _plain_source_shape(tmp_path)), text
    copies = [i["value"] for i in parser.structure if i["instruction"] == "COPY"]
    assert f"{source} ./{source}" in copies


@SETTINGS
@given(name=st.one_of(TEXT, st.from_regex(r"\A[a-z][a-z0-9-]{0,8}[a-z0-9]\Z")),
       path=st.one_of(TEXT, st.from_regex(r"\A[a-z]{1,8}(/[a-z0-9._-]{1,8})?\Z")),
       size=st.one_of(TEXT, st.sampled_from(["2Gi", "500Mi"])))
def test_volumes(tmp_path, name, path, size):
    """A volume's name, path and size: refused in one line, or used verbatim as one entry."""
    BASELINE_SHAPE[:] = BASELINE_SHAPE or _baseline(tmp_path)
    answers = _with(("service",), "api")
    answers["volumes"] = [{"name": name, "path": "/" + path, "size": size}]
    result, text = render(tmp_path, answers, "case")
    if result.code != 0:
        assert result.code == 2
        assert len(result.err.strip().splitlines()) == 1
        return
    assert instructions(parse(text)) == BASELINE_SHAPE, text
    out = tmp_path / "case" / "out"
    volume = as_written(tmp_path, ("volumes",))[0]
    svc = read_yaml((out / "compose.yaml").read_text())["services"]["api"]
    assert svc["volumes"] == [f"{volume['name']}:{volume['path']}"]
    claim = read_yaml((out / "k8s" / f"pvc-{volume['name']}.yaml").read_text())
    assert claim["spec"]["resources"]["requests"]["storage"] == volume["size"]
