"""`tightship new` in a real terminal (a pseudo-terminal driven by pexpect): every question
answered by keys, then the files it wrote compared byte for byte with what
`tightship render --answers` makes of the answers file it wrote."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from cli_support import EXAMPLES, REPO, run_cli

pexpect = pytest.importorskip("pexpect")

ENTER, CTRL_C, CTRL_U = "\r", "\x03", "\x15"


def spawn(root: Path):
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1",
           "PYTHONUNBUFFERED": "1", "COLUMNS": "200", "LINES": "50"}
    env.pop("TIGHTSHIP_DEBUG", None)
    return pexpect.spawn(sys.executable, ["-m", "generator", "new", str(root)], cwd=str(REPO),
                         env=env, dimensions=(50, 200), encoding="utf-8", timeout=30)


def answer(child, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_new_in_a_terminal_writes_what_render_reproduces_byte_for_byte(tmp_path):
    root = tmp_path / "orders"
    shutil.copytree(EXAMPLES / "python", root)
    (root / "tightship.yaml").unlink()
    child = spawn(root)
    try:
        child.expect_exact("Detected a python project (requirements.txt).")
        answer(child, "Service name", CTRL_U + "orders-api" + ENTER)
        answer(child, "Runtime", ENTER)  # python, as detected
        answer(child, "Runtime version", ENTER)  # the profile's first
        answer(child, "Dependency manifests", ENTER)
        answer(child, "Sources the build copies", ENTER)
        answer(child, "Command the container runs", CTRL_U + "python3 -m app" + ENTER)
        answer(child, "Ports the service listens on", CTRL_U + "70000" + ENTER)
        child.expect_exact("ports[0]: 70000 is greater than the maximum of 65535")
        child.send(CTRL_U + "8080" + ENTER)  # the prompt stayed: answer again
        answer(child, "There is no curl in the image", ENTER)  # an HTTP path
        answer(child, "Health check path", ENTER)
        answer(child, "Debian packages in the final image", ENTER)
        answer(child, "Debian packages for the build stage", ENTER)
        child.expect_exact("The root filesystem is read-only (R06)")
        answer(child, "Paths the service writes to", CTRL_U + "/tmp, /var/cache/orders" + ENTER)
        answer(child, "Persistent volumes", ENTER)  # none
        child.expect_exact("non-secret settings only (B09)")
        answer(child, "Environment", "LOG_LEVEL=info" + ENTER)
        answer(child, "Secret names", "api_token" + ENTER)
        child.expect_exact("Every Linux capability is dropped (R02)")
        answer(child, "Capabilities to add back", ENTER)  # none
        child.expect_exact("Needs Kubernetes 1.33 or later")
        answer(child, "User namespaces on Kubernetes", ENTER)  # the profile's: no
        answer(child, "Source repository URL",
               CTRL_U + "https://github.com/example/orders-api" + ENTER)
        answer(child, "Version (empty to leave out)", CTRL_U + "2.0.0" + ENTER)
        child.expect_exact("Summary: tightship.yaml")
        child.expect_exact("What the files do:")
        child.expect_exact("create     Dockerfile")
        answer(child, "What now?", ENTER)  # "Write 12 file(s)"
        child.expect_exact("Re-render without questions")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before

    answers = (root / "tightship.yaml").read_text()
    assert "service: orders-api\n" in answers
    assert "writable: [/tmp, /var/cache/orders]\n" in answers
    assert "secrets: [api_token]\n" in answers
    written = files_under(root)
    again = tmp_path / "again"
    result = run_cli("render", "--answers", str(root / "tightship.yaml"), "--out", str(again))
    assert result.code == 0, result.err
    rendered = files_under(again)
    assert rendered  # every file render writes, the wizard wrote identically
    for relative, data in rendered.items():
        assert written[relative] == data, relative
    check = run_cli("render", "--answers", str(root / "tightship.yaml"), "--check")
    assert check.code == 0, check.out


def test_ctrl_c_in_a_terminal_writes_nothing_and_says_so_in_one_line(tmp_path):
    root = tmp_path / "svc"
    shutil.copytree(EXAMPLES / "go", root)
    before = files_under(root)
    child = spawn(root)
    try:
        answer(child, "Service name", ENTER)
        answer(child, "Runtime", ENTER)
        answer(child, "Runtime version", ENTER)
        child.expect_exact("Dependency manifests")
        child.send(CTRL_C)
        child.expect_exact("tightship: interrupted; nothing written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert files_under(root) == before
