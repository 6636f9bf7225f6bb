"""Paths from the answers: a leading `-` is never an option, and a system folder stays read-only
however it is spelled (`//usr/lib`, `/usr/./lib`, `/tmp/../etc`)."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from cli_support import MINIMAL_ANSWERS, run_cli, tool
from dockerfile_parse import DockerfileParser
from ruamel.yaml import YAML

GOOD = MINIMAL_ANSWERS


def _folder(tmp_path: Path, answers: str) -> Path:
    folder = tmp_path / "svc"
    folder.mkdir(exist_ok=True)
    (folder / "tightship.yaml").write_text(answers)
    return folder


def _copies(text: str) -> list[list[str]]:
    parser = DockerfileParser(fileobj=io.BytesIO())
    parser.content = text
    return [i["value"].split() for i in parser.structure if i["instruction"] == "COPY"]


def _flags(words: list[str]) -> list[str]:
    flags = []
    for word in words:
        if not word.startswith("--"):
            break
        flags.append(word)
    return flags


DASHED = [
    ("source", GOOD.replace("sources: [app/]", "sources: [--link, -r, --parents, app/]"),
     ["--link", "-r", "--parents"]),
    ("dependency", GOOD.replace(
        "dependencies: [requirements.txt]",
        "dependencies: [--link/requirements.txt, --from=x/requirements.txt]"),
     ["--link/requirements.txt"]),
]


@pytest.mark.parametrize("case,answers,paths", DASHED, ids=[d[0] for d in DASHED])
def test_dashed_context_paths_are_paths(tmp_path, case, answers, paths):
    folder = _folder(tmp_path, answers)
    result = run_cli("render", cwd=folder)
    if case == "dependency":  # `--from=x/...` is not a valid context path: refused, named
        assert result.code == 2
        assert re.search(r"tightship\.yaml:4: build\.dependencies\[1\]: ", result.err)
        assert not (folder / "Dockerfile").exists()
        answers = answers.replace(", --from=x/requirements.txt", "")
        folder = _folder(tmp_path, answers)
        result = run_cli("render", cwd=folder)
    assert result.code == 0, result.err
    text = (folder / "Dockerfile").read_text()
    copies = _copies(text)
    for path in paths:
        mine = [c for c in copies if c[-1] == f"./{path}"]
        assert mine, (path, copies)
        for words in mine:
            # a real parser reads the flags: only the ones tightship writes, never the path
            assert set(_flags(words)) <= {"--chown=0:0", "--from=build"}, words
            source = words[len(_flags(words))]
            assert source in (f"./{path}", f"/app/{path}"), words
    if case == "dependency":
        assert "-r ./--link/requirements.txt" in text
    lint = subprocess.run([tool("hadolint"), "--no-color", "--format", "json", "-"],
                          input=text, capture_output=True, text=True)
    assert lint.stdout, lint.stderr  # hadolint read the text (it prints [] when clean)
    assert json.loads(lint.stdout) == [], lint.stdout


def test_dashed_static_artifact(tmp_path):
    answers = ("service: bin\nruntime: static\nbuild:\n  artifact: --link\n"
               "command: [/app/--link]\nports: [8080]\n"
               "healthcheck:\n  command: [/app/--link, -healthcheck]\n")
    folder = _folder(tmp_path, answers)
    result = run_cli("render", cwd=folder)
    assert result.code == 0, result.err
    copies = _copies((folder / "Dockerfile").read_text())
    assert ["--chown=0:0", "./--link", "/app/--link"] in copies


# Every spelling of a system folder is refused for `writable`, before anything is written.
SYSTEM_SPELLINGS = ["//usr/lib", "///etc", "//", "/usr/./lib", "/tmp/../etc", "/usr/lib/",
                    "//bin/x", "/./proc"]


@pytest.mark.parametrize("path", SYSTEM_SPELLINGS)
def test_system_folder_spellings_stay_read_only(tmp_path, path):
    folder = _folder(tmp_path, GOOD + f"writable: ['{path}']\n")
    result = run_cli("render", cwd=folder)
    assert result.code == 2, result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    if ".." in path:  # the schema refuses `..` outright
        assert "tightship.yaml:10: writable[0]:" in lines[0], lines[0]
    else:
        assert re.search(r"tightship\.yaml:10: writable\[0\]: .* cannot be writable", lines[0])
    assert sorted(p.name for p in folder.iterdir()) == ["tightship.yaml"]


@pytest.mark.parametrize("path", ["//usr/lib", "/usr//lib/"])
def test_system_spellings_refused_by_set_too(tmp_path, path):
    folder = _folder(tmp_path, GOOD)
    result = run_cli("render", "--set", f"writable=['{path}']", cwd=folder)
    assert result.code == 2
    assert "--set: writable[0]:" in result.err and "cannot be writable" in result.err


def test_one_spelling_everywhere(tmp_path):
    """`//var//cache/app/` is written as /var/cache/app in every output."""
    folder = _folder(tmp_path, GOOD + "writable: ['//var//cache/app/']\n"
                     "run:\n  exec_writable: ['/var/cache/app']\n")
    result = run_cli("render", cwd=folder)
    assert result.code == 0, result.err
    everything = "".join(p.read_text() for p in folder.rglob("*") if p.is_file()
                         and p.name != "tightship.yaml")
    assert "//var" not in everything
    assert "mountPath: /var/cache/app\n" in (folder / "k8s" / "deployment.yaml").read_text()
    compose = YAML(typ="safe").load((folder / "compose.yaml").read_text())
    assert compose["services"]["api"]["tmpfs"] == [
        "/var/cache/app:rw,nosuid,nodev,size=64m,uid=10001,gid=10001,mode=0750"]
    assert "install -d -o 10001 -g 10001 -m 0750 /var/cache/app" in (
        folder / "Dockerfile").read_text()


def test_same_path_twice_is_refused(tmp_path):
    folder = _folder(tmp_path, GOOD + "writable: [/tmp, /tmp/]\n")
    result = run_cli("render", cwd=folder)
    assert result.code == 2
    assert "tightship.yaml:10: writable[1]: /tmp/ is listed twice" in result.err


def test_check_sees_a_doubled_slash_host_path(tmp_path):
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  a:\n    image: x:1\n    volumes: ['//etc:/host-etc']\n")
    result = run_cli("check", "--format", "json", str(compose))
    rules = {f["rule"] for f in json.loads(result.out)["findings"]}
    assert "TS-R11" in rules
