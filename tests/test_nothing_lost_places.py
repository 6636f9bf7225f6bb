"""Odd places to write: `--out` naming a file, a file where a sub-folder goes, `check --output`
naming a folder or a file in a missing folder. One line, exit 2, nothing written."""

from __future__ import annotations

from cli_support import copy_example, run_subprocess
from write_support import error_lines, snapshot


def _one_line(result, *words: str) -> None:
    assert result.code == 2, (result.code, result.err)
    lines = error_lines(result.err)
    assert len(lines) == 1 and lines[0].startswith("tightship: error: "), result.err
    assert "internal error" not in lines[0]
    for word in words:
        assert word in lines[0], lines[0]


def test_out_naming_an_existing_file(tmp_path):
    service = copy_example("python", tmp_path)
    target = tmp_path / "a-file"
    target.write_text("keep me\n")
    result = run_subprocess("render", "--out", str(target), cwd=service)
    _one_line(result, str(target), "is not a folder")
    assert target.read_text() == "keep me\n"


def test_a_file_where_the_k8s_folder_goes(tmp_path):
    service = copy_example("node", tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "k8s").write_text("not a folder\n")
    before = snapshot(out)
    result = run_subprocess("render", "--out", str(out), cwd=service)
    _one_line(result, str(out / "k8s"), "is not a folder")
    assert snapshot(out) == before


def test_check_output_naming_a_folder(tmp_path):
    service = copy_example("python", tmp_path)
    reports = tmp_path / "reports"
    reports.mkdir()
    result = run_subprocess("check", "Dockerfile", "--format", "sarif", "--output", str(reports),
                            cwd=service)
    _one_line(result, "--output", str(reports), "is a folder")
    assert snapshot(reports) == {}


def test_check_output_in_a_missing_folder(tmp_path):
    service = copy_example("python", tmp_path)
    result = run_subprocess("check", "Dockerfile", "--output",
                            str(tmp_path / "missing" / "report.sarif"), cwd=service)
    _one_line(result, "--output", str(tmp_path / "missing"), "does not exist")
    assert not (tmp_path / "missing").exists()


def test_check_output_in_a_good_place_writes_the_report(tmp_path):
    service = copy_example("python", tmp_path)
    report = tmp_path / "report.json"
    result = run_subprocess("check", "Dockerfile", "--format", "json", "--output", str(report),
                            cwd=service)
    assert result.code in (0, 1), result.err
    assert report.read_text().startswith("{") and '"files_checked": 1' in report.read_text()


def test_check_output_to_a_device_or_fifo_writes_into_it_and_never_replaces_it(tmp_path):
    """`--output /dev/stdout` (or a pipe) streams the report; the device stays a device."""
    import os
    import stat
    import threading

    service = copy_example("python", tmp_path)
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = run_subprocess("check", "Dockerfile", "--format", "json", "--output", str(fifo),
                            cwd=service)
    reader.join(timeout=60)
    assert result.code in (0, 1), result.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith("{")
    result = run_subprocess("check", "Dockerfile", "--output", "/dev/stdout", cwd=service)
    assert result.code in (0, 1), result.err
    assert "file(s) checked" in result.out  # its stdout, a pipe, was written into


def test_check_output_through_a_symlink_replaces_the_file_it_names(tmp_path):
    service = copy_example("python", tmp_path)
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "latest.json"
    real.write_text("old\n")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    result = run_subprocess("check", "Dockerfile", "--format", "json", "--output", str(link),
                            cwd=service)
    assert result.code in (0, 1), result.err
    assert link.is_symlink() and real.read_text().startswith("{")
