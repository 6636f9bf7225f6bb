"""All or nothing: a full file system, a read-only output or sub-folder, a failing rename.

Whatever fails, the files on disk afterwards are exactly the files before, the user sees one
line naming the path and the reason, and the exit code is 2 (a bad place to write), never 70.
"""

from __future__ import annotations

import errno

import pytest
from cli_support import copy_example, run_cli, run_subprocess
from write_support import IS_ROOT, error_lines, fill, read_only, small_tmpfs, snapshot

from generator.render import atomic


def _refused(result, *words: str) -> str:
    assert result.code == 2, (result.code, result.err)
    lines = error_lines(result.err)
    assert len(lines) == 1, result.err
    line = lines[0]
    assert line.startswith("tightship: error: ") and "internal error" not in line
    for word in words:
        assert word in line, line
    return line


def test_a_full_file_system_leaves_an_empty_folder_empty(tmp_path):
    service = copy_example("python", tmp_path)
    with small_tmpfs(tmp_path / "small", "12k") as out:
        before = snapshot(out)
        result = run_subprocess("render", "--out", str(out), cwd=service)
        _refused(result, "No space left on device", str(out))
        assert snapshot(out) == before == {}


def test_a_full_file_system_keeps_every_old_file_under_force(tmp_path):
    service = copy_example("python", tmp_path)
    with small_tmpfs(tmp_path / "small", "256k") as out:
        assert run_subprocess("render", "--out", str(out), cwd=service).code == 0
        (out / "Dockerfile").write_text("FROM scratch\n")  # the user's own edit
        (out / "k8s" / "deployment.yaml").write_text("kind: Deployment\n")
        fill(out)
        before = snapshot(out)
        result = run_subprocess("render", "--out", str(out), "--force", cwd=service)
        _refused(result, "No space left on device", "nothing was changed")
        assert snapshot(out) == before
        assert (out / "Dockerfile").read_text() == "FROM scratch\n"


def test_a_read_only_output_folder_changes_nothing(tmp_path):
    service = copy_example("node", tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    with read_only(out):
        before = snapshot(out)
        result = run_subprocess("render", "--out", str(out), cwd=service)
        reason = "Read-only file system" if IS_ROOT else "Permission denied"
        _refused(result, reason)
        assert snapshot(out) == before


def test_a_read_only_k8s_folder_writes_none_of_the_other_files(tmp_path):
    service = copy_example("go", tmp_path)
    out = tmp_path / "out"
    (out / "k8s").mkdir(parents=True)
    with read_only(out / "k8s"):
        before = snapshot(out)
        result = run_subprocess("render", "--out", str(out), cwd=service)
        line = _refused(result, "k8s")
        assert "Read-only file system" in line or "Permission denied" in line
        assert snapshot(out) == before  # no Dockerfile, no compose.yaml, no temp files
        assert not (out / "Dockerfile").exists()


def test_a_folder_that_cannot_be_made_leaves_no_folders_behind(tmp_path):
    service = copy_example("python", tmp_path)
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        result = run_subprocess("render", "--out", str(parent / "new" / "deeper"), cwd=service)
        _refused(result, str(parent / "new"))
        assert snapshot(parent) == {}


def test_a_failing_rename_puts_back_every_file_already_replaced(tmp_path, monkeypatch):
    """The renames themselves can fail (EIO, a file system gone away): the ones already done are
    undone, so the old set comes back, modes included."""
    service = copy_example("java", tmp_path)
    assert run_cli("render", cwd=service).code == 0
    for name in ("Dockerfile", "compose.yaml", "k8s/service.yaml", "seccomp.json"):
        (service / name).write_text(f"old {name}\n")
    (service / "ci" / "tightship-gate.sh").chmod(0o700)
    before = snapshot(service)

    real = atomic._install
    calls = []

    def failing_install(item, tmp, token):
        calls.append(item.path)
        if len(calls) == 4:
            raise atomic.WriteFailed(item.path, OSError(errno.EIO, "Input/output error"))
        return real(item, tmp, token)

    monkeypatch.setattr(atomic, "_install", failing_install)
    result = run_cli("render", "--force", cwd=service)
    line = _refused(result, "Input/output error", str(calls[-1]))
    assert "nothing was changed" in line
    assert len(calls) == 4  # three files had been replaced, and were put back
    assert snapshot(service) == before


def test_a_create_that_fails_midway_removes_the_files_and_folders_it_made(tmp_path,
                                                                          monkeypatch):
    service = copy_example("python", tmp_path)
    out = tmp_path / "fresh"
    real = atomic._install

    def failing_install(item, tmp, token):
        if item.path.name == "seccomp.json":
            raise atomic.WriteFailed(item.path, OSError(errno.ENOSPC, "No space left on device"))
        return real(item, tmp, token)

    monkeypatch.setattr(atomic, "_install", failing_install)
    result = run_cli("render", "--out", str(out), cwd=service)
    _refused(result, "seccomp.json", "No space left on device")
    assert not out.exists()


@pytest.mark.parametrize("command", ["render", "check"])
def test_writes_never_end_in_an_internal_error(tmp_path, command):
    """The report of `check --output` is written the same way: into a read-only folder it is
    one line and exit 2, and the old report stays."""
    service = copy_example("python", tmp_path)
    assert run_cli("render", cwd=service).code == 0
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "old.sarif").write_text("{}\n")
    with read_only(reports):
        before = snapshot(reports)
        if command == "check":
            result = run_subprocess("check", "Dockerfile", "--output",
                                    str(reports / "old.sarif"), cwd=service)
        else:
            result = run_subprocess("render", "--out", str(reports), cwd=service)
        _refused(result)
        assert snapshot(reports) == before
