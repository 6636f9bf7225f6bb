"""Code scanning keeps a finding's identity across runs (SARIF partialFingerprints), and the
pre-commit hook runs the same check a user would."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
D = "sha256:" + "c" * 64
DOCKERFILE = (f"FROM debian:12-slim@{D}\nADD app.tar /srv/\nRUN curl -k https://example.com/a"
              " -o /a\nADD conf.tar /etc/app/\n")


def sarif_ids(folder: Path) -> dict[tuple[str, str], str]:
    result = run_cli("check", "--format", "sarif", str(folder))
    results = json.loads(result.out)["runs"][0]["results"]
    return {(r["ruleId"], r["message"]["text"]): r["partialFingerprints"]["tightship/v1"]
            for r in results}


def test_fingerprints_are_stable_across_runs_and_moved_lines(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    first = sarif_ids(tmp_path)
    assert first == sarif_ids(tmp_path)
    (tmp_path / "Dockerfile").write_text("# syntax=docker/dockerfile:1\n\n" + DOCKERFILE)
    assert sarif_ids(tmp_path) == first
    assert len(set(first.values())) == len(first)  # the two ADD findings differ


def test_fingerprints_are_the_same_when_the_checkout_moves(tmp_path):
    """Code scanning matches a finding by its fingerprint: a checkout in another folder (a
    fresh CI runner) must not turn every finding into a new one."""
    prints = []
    for place in ("runner-a/src", "elsewhere/b"):
        checkout = tmp_path / place
        (checkout / "app").mkdir(parents=True)
        (checkout / "app" / "Dockerfile").write_text(DOCKERFILE)
        result = run_cli("check", "--format", "sarif", "app", cwd=checkout)
        results = json.loads(result.out)["runs"][0]["results"]
        assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in results} == {"app/Dockerfile"}
        prints.append(sorted(r["partialFingerprints"]["tightship/v1"] for r in results))
    assert prints[0] and prints[0] == prints[1]


def test_the_pre_commit_hook_runs_tightship_check_on_the_work_tree(tmp_path):
    (hook,) = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "tightship-check"
    assert hook["entry"] == "tightship check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "README.md").write_text("not checked\n")
    words = hook["entry"].split()[1:] + hook["args"]
    result = run_cli(*words, cwd=tmp_path)
    assert result.code == 1
    assert "TS-B05" in result.out and "README" not in result.out
