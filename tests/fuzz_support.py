"""One fuzz case: a value put into one answers field, rendered in-process, judged by parsers.

Shared by tests/test_security_fuzz.py (a fixed set under CI) and bench/fuzz.py (10,000 cases
per field on demand). A case ends in one of three ways:

- "refused": a UserError or a self-check refusal (what the user sees as exit 2);
- "rendered": every output parses and has exactly the baseline's shape, with the value intact
  where it can be read back;
- "escaped: …": anything else: an output whose shape changed (an injected instruction, key or
  rule), a value that did not survive, or a crash that would be exit 70.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dockerfile_parse import DockerfileParser
from hypothesis import strategies as st
from quadlet_support import parse_unit
from written_support import misread
from yaml_support import read_yaml_all

from generator.check.checker import SelfCheckError
from generator.errors import UserError
from generator.render.answers import Answers
from generator.render.files import render_all
from generator.render.pipeline import self_check
from generator.render.profiles import load_profile
from generator.render.spec import build_spec
from generator.render.templates import template_env
from generator.render.validation import validate
from generator.yamlio import Layer

PYTHON = {
    "service": "api", "runtime": "python",
    "build": {"dependencies": ["requirements.txt"], "sources": ["app/"]},
    "command": ["python3", "-m", "app"], "ports": [8080], "healthcheck": {"http": "/healthz"},
    "env": {"MODE": "prod"}, "writable": ["/tmp", "/var/cache/app"],
    "labels": {"description": "an api", "version": "1.0.0", "source": "https://example.com/a",
               "revision": "abc123"},
    "secrets": ["api_token"],
    "capabilities": {"NET_BIND_SERVICE": "binds port 80"},
    "run": {"namespace": "team", "image": {"repository": "registry.example.com/api",
                                           "tag": "1.0.0"}},
}
GO = {
    "service": "api", "runtime": "go",
    "build": {"dependencies": ["go.mod"], "sources": ["main.go"],
              "command": ["go", "build", "-o", "out/api", "."], "artifact": "out/api"},
    "command": ["/app/api"], "ports": [8080],
    "healthcheck": {"command": ["/app/api", "-healthcheck"]},
}
STATIC = {
    "service": "api", "runtime": "static", "build": {"artifact": "bin/api"},
    "command": ["/app/api"], "ports": [8080],
    "healthcheck": {"command": ["/app/api", "-healthcheck"]},
}


def _at(*path: Any) -> Callable[[dict, Any], None]:
    def put(answers: dict, value: Any) -> None:
        target = answers
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return put


def _health_command(index: int) -> Callable[[dict, Any], None]:
    def put(answers: dict, value: Any) -> None:
        answers["healthcheck"] = {"command": ["/app/probe", "--ok"]}
        answers["healthcheck"]["command"][index] = value
    return put


def _env_key(answers: dict, value: Any) -> None:
    answers["env"] = {value: "v"}


def _cap_reason(answers: dict, value: Any) -> None:
    answers["capabilities"] = {"NET_BIND_SERVICE": value}


def _absolute(text: str) -> str:
    return "/" + text


# name -> (base answers, how the value is put in, how arbitrary text is turned into a value)
FIELDS: dict[str, tuple[dict, Callable[[dict, Any], None], Callable[[str], str]]] = {
    "service": (PYTHON, _at("service"), str),
    "command[0]": (PYTHON, _at("command", 0), str),
    "command[2]": (PYTHON, _at("command", 2), str),
    "healthcheck.command[0]": (PYTHON, _health_command(0), str),
    "healthcheck.command[1]": (PYTHON, _health_command(1), str),
    "healthcheck.http": (PYTHON, _at("healthcheck", "http"), _absolute),
    "env.MODE": (PYTHON, _at("env", "MODE"), str),
    "env key": (PYTHON, _env_key, str),
    "labels.description": (PYTHON, _at("labels", "description"), str),
    "labels.source": (PYTHON, _at("labels", "source"), lambda t: "https://" + t),
    "labels.version": (PYTHON, _at("labels", "version"), str),
    "labels.revision": (PYTHON, _at("labels", "revision"), str),
    "build.sources[0]": (PYTHON, _at("build", "sources", 0), str),
    "build.dependencies[0]": (PYTHON, _at("build", "dependencies", 0),
                              lambda t: t + "/requirements.txt"),
    "writable[1]": (PYTHON, _at("writable", 1), _absolute),
    "workdir": (PYTHON, _at("workdir"), _absolute),
    "secrets[0]": (PYTHON, _at("secrets", 0), str),
    "capabilities reason": (PYTHON, _cap_reason, str),
    "run.namespace": (PYTHON, _at("run", "namespace"), str),
    "run.image.repository": (PYTHON, _at("run", "image", "repository"), str),
    "run.image.tag": (PYTHON, _at("run", "image", "tag"), str),
    "build.command[4]": (GO, _at("build", "command", 4), str),
    "build.artifact (go)": (GO, _at("build", "artifact"), str),
    "build.artifact (static)": (STATIC, _at("build", "artifact"), str),
}

# Arbitrary text, with the characters that matter for injection made likely.
PIECES = list("\n\r\x00\t\\\"'$`;|&<>(){}[]#*?^ =:/.,-_@+%!~") + [
    "RUN ", "USER root", "\\\n", "\u2028", "\u0085", "é", "a", "Z", "${HOME}", "$$", "--",
    "<<EOF", "../", "//", "- ", ": ", "{{ 7*7 }}", "\ufeff"]
NASTY = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
TEXT = st.one_of(st.text(max_size=40), NASTY)


@cache
def _profile():
    profile = load_profile("default")
    return profile, template_env(profile)


def render(answers: dict) -> dict[str, str]:
    """What `render` would write for these answers (raises UserError / SelfCheckError)."""
    profile, env = _profile()
    data = json.loads(json.dumps(answers))
    layers = (Layer("tightship.yaml", data),)
    validate(data, "answers.schema.json", layers)
    spec = build_spec(Answers(data=data, layers=layers, base_dir=Path("/nonexistent")), profile)
    files = render_all(spec, profile, env)
    self_check(files, profile)
    return files


def _instructions(text: str) -> list[str]:
    parser = DockerfileParser(fileobj=io.BytesIO())
    parser.content = text
    return [item["instruction"] for item in parser.structure]


def _exec_forms(text: str) -> list[list[str]]:
    parser = DockerfileParser(fileobj=io.BytesIO())
    parser.content = text
    forms = []
    for item in parser.structure:
        value = item["value"]
        if item["instruction"] == "HEALTHCHECK":
            value = value.split(" CMD ", 1)[1]
        if item["instruction"] in ("CMD", "HEALTHCHECK", "RUN") and value.startswith("["):
            forms.append(json.loads(value))
    return forms


def _yaml_docs(text: str) -> list:
    return read_yaml_all(text)


@dataclass
class Baseline:
    instructions: list[str]
    yaml_keys: dict[str, Any]  # file -> top keys per document
    unit_keys: list[tuple[str, str]]  # the Quadlet unit's (section, key), in order


def _unit_keys(files: dict[str, str]) -> list[tuple[str, str]]:
    """The Quadlet unit's settings; a line systemd would join to the next (a trailing `\\`)
    or a lone `%` (a specifier) would change what they say."""
    (text,) = [t for name, t in files.items() if name.endswith(".container")]
    for line in text.splitlines():
        assert not line.endswith("\\"), f"a continued line: {line!r}"
        assert "%" not in line.replace("%%", "").replace("%h/", ""), f"a specifier: {line!r}"
    return [(section, key) for section, items in parse_unit(text).items() for key, _ in items]


@cache
def baseline(base_name: str) -> Baseline:
    return _baseline_of(BASES[base_name])


def _baseline_of(answers: dict) -> Baseline:
    files = render(answers)
    return Baseline(
        instructions=_instructions(files["Dockerfile"]),
        yaml_keys={name: [sorted(d) if isinstance(d, dict) else None for d in _yaml_docs(text)]
                   for name, text in files.items() if name.endswith(".yaml")},
        unit_keys=_unit_keys(files),
    )


BASES = {"python": PYTHON, "go": GO, "static": STATIC}


def _base_name(base: dict) -> str:
    return next(name for name, value in BASES.items() if value is base)


def attempt(field: str, text: str, *, compile_apparmor: bool = False) -> str:
    """Put `text` into `field`, render, and judge: "refused", "rendered" or "escaped: why"."""
    base, put, shape = FIELDS[field]
    value = shape(text)
    answers = copy.deepcopy(base)
    put(answers, value)
    try:
        files = render(answers)
    except (UserError, SelfCheckError):
        return "refused"
    except Exception as exc:  # exit 70 for the user
        return f"escaped: crash {type(exc).__name__}: {str(exc)[:200]}"
    misread_file = misread(files)
    if misread_file is not None:  # the self-check judged other values than the file holds
        return f"escaped: {misread_file} reads back as other values than it was written from"
    want = baseline(_base_name(base))
    if field.startswith("build.sources") and not str(value).endswith(("/", ".py")):
        # a plain file among the sources: nothing to byte-compile, so the baseline is a plain
        # file too (the compile step is there for folders and .py files only)
        plain = copy.deepcopy(base)
        put(plain, shape("data.txt"))
        want = _baseline_of(plain)
    try:
        if _instructions(files["Dockerfile"]) != want.instructions:
            return "escaped: the Dockerfile's instructions changed"
        for name, keys in want.yaml_keys.items():
            got = [sorted(d) if isinstance(d, dict) else None for d in _yaml_docs(files[name])]
            if got != keys:
                return f"escaped: {name}'s keys changed"
        forms = _exec_forms(files["Dockerfile"])
        if "command[" in field and not field.startswith(("healthcheck", "build")) and \
                answers["command"] not in forms:
            return "escaped: the CMD is not the answers' command"
        if field.startswith("healthcheck.command") and \
                answers["healthcheck"]["command"] not in forms:
            return "escaped: the HEALTHCHECK is not the answers' command"
        if _unit_keys(files) != want.unit_keys:
            return "escaped: the Quadlet unit's keys changed"
        compose = _yaml_docs(files["compose.yaml"])[0]
        test = compose["services"][answers["service"]]["healthcheck"]["test"]
        if any("$" in w.replace("$$", "") for w in test):
            return "escaped: a lone $ in compose.yaml (interpolated from the host)"
        if compile_apparmor and not _apparmor_compiles(files):
            return "escaped: apparmor_parser rejects the profile"
    except Exception as exc:  # an output no parser reads back
        return f"escaped: unreadable output {type(exc).__name__}: {str(exc)[:200]}"
    return "rendered"


def _apparmor_compiles(files: dict[str, str]) -> bool:
    tool = shutil.which("apparmor_parser") or "/usr/sbin/apparmor_parser"
    if not Path(tool).exists():
        return True
    name = next(n for n in files if n.startswith("apparmor/"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profile"
        path.write_text(files[name], encoding="utf-8")
        proc = subprocess.run([tool, "-Q", "-K", "-S", str(path)], capture_output=True,
                              timeout=60)
    return proc.returncode == 0
