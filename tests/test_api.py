"""The Python API gives what the commands give: the same rendered bytes, the same findings."""

from __future__ import annotations

import pytest
from cli_support import copy_example, run_cli

from generator import api
from generator.errors import ConflictError


def test_render_returns_and_writes_what_the_command_writes(tmp_path):
    service = copy_example("python", tmp_path)
    assert run_cli("render", "--out", str(tmp_path / "cli"), cwd=service).code == 0
    files = api.render(service / "tightship.yaml", out=tmp_path / "api")
    assert {"Dockerfile", "compose.yaml", "seccomp.json"} <= set(files)
    for name, text in files.items():
        assert (tmp_path / "api" / name).read_bytes() == text.encode("utf-8")
        assert (tmp_path / "cli" / name).read_bytes() == text.encode("utf-8")


def test_render_refuses_to_replace_a_conflict_without_force(tmp_path):
    service = copy_example("python", tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(ConflictError, match="^conflict: "):
        api.render(service / "tightship.yaml", out=tmp_path / "out")
    assert (tmp_path / "out" / "Dockerfile").read_text() == "FROM scratch\n"
    api.render(service / "tightship.yaml", out=tmp_path / "out", force=True)
    assert (tmp_path / "out" / "Dockerfile").read_text() != "FROM scratch\n"


def test_check_finds_what_the_command_finds(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nRUN pip install flask\n")
    findings = api.check([tmp_path])
    rules = {f.rule for f in findings}
    assert "TS-B01" in rules and "TS-B03" in rules
    assert all(f.file.endswith("Dockerfile") and f.line >= 1 for f in findings)
    result = run_cli("check", "--format", "json", str(tmp_path))
    assert result.code == 1 and all(rule in result.out for rule in rules)
