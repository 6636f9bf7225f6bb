"""The field's own linters judge every generated Dockerfile: hadolint and checkov find nothing."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from cli_support import EXAMPLE_NAMES, copy_example, run_cli, tool

STRICT_EXAMPLES = tuple(n for n in EXAMPLE_NAMES if n != "generic")  # strict has no generic


def rendered(tmp_path, name: str, profile: str = "default"):
    service = copy_example(name, tmp_path / profile)
    result = run_cli("render", "--profile", profile, "--force", cwd=service)
    assert result.code == 0, result.err
    return service / "Dockerfile"


@pytest.mark.parametrize("profile,name",
                         [("default", n) for n in EXAMPLE_NAMES]
                         + [("strict", n) for n in STRICT_EXAMPLES])
def test_hadolint_reports_nothing(tmp_path, profile, name):
    dockerfile = rendered(tmp_path, name, profile)
    proc = subprocess.run([tool("hadolint"), "--no-color", "--format", "json", str(dockerfile)],
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout, proc.stderr  # hadolint read the file (it prints [] when clean)
    findings = json.loads(proc.stdout)
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}"
                                     for f in findings)
    assert proc.returncode == 0


def test_hadolint_does_flag_a_bad_dockerfile(tmp_path):
    """The linter is really judging: the same call reports a root, unpinned, ADD Dockerfile."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nADD https://example.com/x.tgz /x\nRUN apt-get update\n"
                   "RUN apt-get install curl\nUSER root\n")
    proc = subprocess.run([tool("hadolint"), "--no-color", "--format", "json", str(bad)],
                          capture_output=True, text=True, timeout=60)
    codes = {f["code"] for f in json.loads(proc.stdout)}
    assert {"DL3007", "DL3009", "DL3015", "DL3002", "DL3066"} <= codes


def checkov_failures(folder) -> list[tuple[str, str]]:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}
    proc = subprocess.run([tool("checkov"), "-d", str(folder), "--framework", "dockerfile",
                           "--output", "json", "--skip-download", "--quiet"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    # checkov read a Dockerfile: the hardened one passes checks (none read: no results at all)
    assert sum(item.get("summary", {}).get("passed", 0) for item in reports) > 0, proc.stdout
    failures = []
    for item in reports:
        for check in item.get("results", {}).get("failed_checks", []):
            failures.append((check["check_id"], check["file_path"]))
    return failures


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_checkov_fails_nothing_on_any_example(tmp_path):
    for name in EXAMPLE_NAMES:
        rendered(tmp_path, name)
    for name in STRICT_EXAMPLES:
        rendered(tmp_path, name, "strict")
    assert checkov_failures(tmp_path) == []


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_checkov_does_flag_a_bad_dockerfile(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nADD x.tgz /x\nEXPOSE 22\n")
    found = {check for check, _ in checkov_failures(tmp_path)}
    assert {"CKV_DOCKER_7", "CKV_DOCKER_4", "CKV_DOCKER_2", "CKV_DOCKER_3"} <= found
