"""`check` on what is not a plain file: it never hangs, never reads a FIFO, device or socket,
and never passes over what it could not read. Each run ends within a subprocess timeout."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from write_support import IS_ROOT, REPO

from generator.check.read import MAX_FILE_BYTES

BAD_DOCKERFILE = "FROM ubuntu:latest\nUSER root\nCMD sh -c app\n"
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]


def check(*args: str, cwd: Path, as_nobody: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "generator", "check", *args]
    if as_nobody:
        command = NOBODY + command
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=90)


def p01(result, name: str) -> str:
    """The TS-P01 message for `name` in a text report."""
    lines = result.stdout.splitlines()
    assert name in lines, result.stdout
    finding = lines[lines.index(name) + 1]
    assert "TS-P01" in finding, result.stdout
    return finding


def test_a_fifo_named_on_the_command_line_is_reported_not_read(tmp_path):
    os.mkfifo(tmp_path / "Dockerfile")
    result = check("Dockerfile", cwd=tmp_path)  # no writer ever opens it: a read would block
    assert result.returncode == 1, result.stderr
    assert "a FIFO (named pipe), not a regular file: not read" in p01(result, "Dockerfile")


def test_special_files_met_in_a_folder_are_skipped_with_a_note(tmp_path):
    tree = tmp_path / "repo"
    (tree / "k8s").mkdir(parents=True)
    os.mkfifo(tree / "k8s" / "deployment.yaml")
    (tree / "compose.yaml").symlink_to("/dev/zero")  # a MemoryError, if read
    old = os.getcwd()
    os.chdir(tree)  # a relative name: a socket path must stay short
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("Dockerfile")
    finally:
        os.chdir(old)
    (tree / "Dockerfile.prod").write_text(BAD_DOCKERFILE)
    try:
        result = check(".", cwd=tree)
        json_result = check(".", "--format", "json", cwd=tree)
        sarif_result = check(".", "--format", "sarif", cwd=tree)
    finally:
        server.close()
    assert result.returncode == 1, result.stderr
    notes = sorted(line for line in result.stdout.splitlines() if line.startswith("note: "))
    assert notes == ["note: skipped Dockerfile: a socket, not a regular file",
                     "note: skipped compose.yaml: a character device, not a regular file",
                     "note: skipped k8s/deployment.yaml: a FIFO (named pipe), not a regular "
                     "file"]
    assert "TS-B03" in result.stdout  # the real Dockerfile beside them was checked
    assert len(json.loads(json_result.stdout)["notes"]) == 3
    sarif = json.loads(sarif_result.stdout)
    Draft4Validator(SARIF_SCHEMA).validate(sarif)
    notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert sorted(n["message"]["text"] for n in notifications) == [n[6:] for n in notes]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/full"])
def test_a_device_named_on_the_command_line_is_reported_not_read(tmp_path, device):
    result = check(device, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "a character device, not a regular file: not read" in p01(result, device)


def test_a_symlink_loop_is_reported(tmp_path):
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "Dockerfile").write_text(BAD_DOCKERFILE)
    for args in (["a.yaml"], ["."]):
        result = check(*args, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "a symlink loop" in p01(result, "a.yaml"), result.stdout
    assert "TS-B03" in result.stdout and "b.yaml" in result.stdout


def test_a_huge_file_is_refused_after_the_size_bound(tmp_path):
    big = tmp_path / "k8s.yaml"
    with open(big, "w") as handle:  # 50 MB of valid, finding-rich manifests
        doc = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
               "  - {name: c, image: 'x:latest', securityContext: {privileged: true}}\n---\n")
        handle.write(doc * (50_000_000 // len(doc)))
    (tmp_path / "Dockerfile").write_text(BAD_DOCKERFILE)
    result = check(".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    finding = p01(result, "k8s.yaml")
    assert f"more than the {MAX_FILE_BYTES:,} bytes check reads in one file" in finding
    assert "TS-R01" not in result.stdout  # not read at all
    assert "TS-B03" in result.stdout


@pytest.fixture
def shared_tmp():
    """A folder another user can reach (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="tightship-hostile-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for root, dirs, _files in os.walk(folder):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        subprocess.run(["rm", "-rf", str(folder)], check=False, timeout=60)


def test_an_unreadable_folder_holding_a_bad_dockerfile_fails_the_check(shared_tmp):
    locked = shared_tmp / "locked"
    locked.mkdir()
    (locked / "Dockerfile").write_text(BAD_DOCKERFILE)
    (shared_tmp / "compose.yaml").write_text("services:\n  web: {image: 'x:1', privileged: true}\n")
    locked.chmod(0o000)
    result = check(".", cwd=shared_tmp, as_nobody=IS_ROOT)
    assert result.returncode == 1, result.stderr
    finding = p01(result, "locked")
    assert "this folder could not be read, so the files in it were not checked" in finding
    assert "Permission denied" in finding
    assert "TS-R01" in result.stdout  # the readable file beside it was still checked


def test_an_unreadable_file_is_a_finding(shared_tmp):
    secret = shared_tmp / "Dockerfile"
    secret.write_text(BAD_DOCKERFILE)
    secret.chmod(0o000)
    for args in (["Dockerfile"], ["."]):
        result = check(*args, cwd=shared_tmp, as_nobody=IS_ROOT)
        assert result.returncode == 1, result.stderr
        assert "cannot read: Permission denied" in p01(result, "Dockerfile")


def test_a_file_the_kernel_refuses_to_read_is_a_finding(tmp_path):
    """Even root cannot read some files: /proc/self/mem at offset 0 fails with EIO."""
    result = check("/proc/self/mem", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "cannot read: Input/output error" in p01(result, "/proc/self/mem")
