"""Drift the gate must not miss: statuses compare bytes, so CRLF endings, a byte-order mark or
a missing final newline are drift for `render --check`, a conflict for `render`, and a conflict
in the wizard's summary."""

from __future__ import annotations

import pytest
from cli_support import copy_example, run_cli, run_subprocess
from test_wizard import fresh_example
from test_wizard_support import DOWN, ENTER, MENU, drive


@pytest.mark.parametrize("change", ["crlf", "bom", "no-final-newline"])
def test_check_reports_byte_level_drift(tmp_path, change):
    service = copy_example("python", tmp_path)
    assert run_cli("render", cwd=service).code == 0
    gate = service / "ci" / "tightship-gate.sh"
    data = gate.read_bytes()
    edited = {"crlf": data.replace(b"\n", b"\r\n"), "bom": b"\xef\xbb\xbf" + data,
              "no-final-newline": data.rstrip(b"\n")}[change]
    gate.write_bytes(edited)

    # one case as its own process (the exit code as a CI job sees it), the others in-process
    run = run_subprocess if change == "crlf" else run_cli
    result = run("render", "--check", cwd=service)
    assert result.code == 1, result.out
    drifted = [line.split()[1] for line in result.out.splitlines()
               if line.split()[:1] == ["drift"]]
    assert drifted == ["ci/tightship-gate.sh"]
    reason = {"crlf": "line endings changed to CRLF", "bom": "a byte-order mark was added",
              "no-final-newline": "the final newline is missing"}[change]
    assert f"ci/tightship-gate.sh  ({reason})" in result.out

    plain = run_cli("render", cwd=service)
    assert plain.code == 1 and "--force" in plain.err
    assert gate.read_bytes() == edited  # not replaced without --force

    assert run_cli("render", "--force", cwd=service).code == 0
    assert gate.read_bytes() == data


def test_the_wizard_shows_a_crlf_copy_as_a_conflict(tmp_path):
    root = fresh_example("go", tmp_path)
    drive(root, {})
    dockerfile = root / "Dockerfile"
    edited = dockerfile.read_bytes().replace(b"\n", b"\r\n")
    dockerfile.write_bytes(edited)
    wizard, result = drive(root, {MENU: DOWN * 3 + ENTER})  # cancel
    assert "  conflict   Dockerfile  (differs from what would be written)" in wizard.said
    assert not result.written
    assert dockerfile.read_bytes() == edited
