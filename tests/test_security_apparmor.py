"""AppArmor quoting: any command word becomes a path rule that apparmor_parser compiles and that
matches that path alone; a profile apparmor_parser rejects is never written (exit 2)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import fuzz_budget
import pytest
from cli_support import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.render.outputs.apparmor import literal_path
from generator.values import normal_path

PARSER = shutil.which("apparmor_parser") or "/usr/sbin/apparmor_parser"
needs_parser = pytest.mark.skipif(
    not Path(PARSER).exists() and not os.environ.get("CI"),
    reason="apparmor_parser is not installed (Debian package `apparmor`)")

ANSWERS = """\
service: api
runtime: python
build:
  dependencies: [requirements.txt]
  sources: [app/]
ports: [8080]
healthcheck:
  http: /healthz
"""


def _compile(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([PARSER, "-Q", "-K", "-S", *extra, str(path)], capture_output=True,
                          timeout=60)


def _expr_tree(rule_path: str, tmp_path: Path) -> str:
    """apparmor_parser's own reading of one exec rule, as its expression tree."""
    profile = tmp_path / "one"
    profile.write_text(f"abi <abi/3.0>,\nprofile t {{\n  {rule_path} ix,\n}}\n")
    proc = _compile(profile, "-D", "expr-tree")
    assert proc.returncode == 0, proc.stderr
    lines = [x for x in proc.stderr.decode("utf-8", "replace").splitlines() if x.startswith("/")]
    return lines[0].rsplit("< 0x", 1)[0]


def _render(folder: Path, command: list[str]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tightship.yaml").write_text(ANSWERS + f"command: {json.dumps(command)}\n")
    return run_cli("render", "--force", cwd=folder)


WORDS = ["app\\", "\\", "/app/x\\", 'a"b', '/a\\"', "x\\y*", "/x{a\\}", "/x@{HOME}",
         "/a[b]?^", "/a b,c#d", "/é", "/a\\\\"]


@needs_parser
@pytest.mark.parametrize("word", WORDS)
def test_command_word_compiles(tmp_path, word):
    result = _render(tmp_path / "svc", [word, "-m", "app"])
    assert result.code == 0, result.err
    profile = tmp_path / "svc" / "apparmor" / "tightship-api"
    proc = _compile(profile)
    assert proc.returncode == 0, proc.stderr


def _as_tree(path: str) -> str:
    """How apparmor_parser's expression tree shows a path read literally: the characters its
    regex engine would take as operators escaped, bytes beyond ASCII in hex, and no glob
    (`*` as a wildcard would show as `([^\\x0/])*`, `{b,c}` as `(b|c)`)."""
    shown = ""
    for char in path:
        if ord(char) > 127:
            shown += "".join(f"\\x{b:02x}" for b in char.encode("utf-8"))
        elif char in _TREE_ESCAPED:
            shown += "\\" + char
        else:
            shown += char
    return shown


_TREE_ESCAPED = set("*[]()|+. ")


@needs_parser
@pytest.mark.parametrize("path", ["/a*", "/a\\", '/a"', "/a{b,c}", "/a\\*", "/x@{HOME}",
                                  "/a?", "/a[b]", "/a^", "/a(b)|c+d.e", "/a b", "/é"])
def test_quoted_path_means_that_path_alone(tmp_path, path):
    """The parser's expression tree shows literal characters: no glob, no variable."""
    assert _expr_tree(literal_path(path), tmp_path) == _as_tree(path), literal_path(path)


@needs_parser
def test_a_profile_the_parser_rejects_is_never_written(tmp_path):
    """An org template that renders a broken AppArmor profile: self-check refusal, exit 2."""
    folder = tmp_path / "svc"
    _render(folder, ["python3", "-m", "app"])
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    templates = tmp_path / "org-templates" / "apparmor"
    templates.mkdir(parents=True)
    builtin = Path(__file__).resolve().parent.parent / "templates" / "apparmor" / "profile.j2"
    broken = builtin.read_text().replace("  deny mount,\n", "  deny mount,\n  frobnicate /x,\n")
    (templates / "profile.j2").write_text(broken)
    (tmp_path / "org.yaml").write_text("name: org\nextends: default\ntemplates: org-templates\n")
    (folder / "tightship.yaml").write_text(ANSWERS + "command: [python3, -m, app, '2']\n")
    result = run_cli("render", "--force", "--profile", str(tmp_path / "org.yaml"), cwd=folder)
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "apparmor/tightship-api:" in lines[0] and "apparmor_parser rejects it" in lines[0]
    assert "TS-P01" in lines[0]
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    after.pop(folder / "tightship.yaml")
    before.pop(folder / "tightship.yaml")
    assert after == before  # nothing replaced, not even the files that did compile


@needs_parser
@settings(max_examples=fuzz_budget.examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
       | st.lists(st.sampled_from(list('\\"*?[]{}^@,# $/ax')), min_size=1, max_size=10)
       .map("".join))
def test_any_path_compiles_to_itself(tmp_path, word):
    path = normal_path("/" + word)  # as every path reaches the profile (AppArmor folds //)
    assert _expr_tree(literal_path(path), tmp_path) == _as_tree(path), literal_path(path)
