"""Litter: a render killed (SIGKILL) after writing its temp files leaves them behind; the next
run recognises its own leftovers and removes them, and never touches anyone else's file."""

from __future__ import annotations

import os
import signal
import time

from cli_support import copy_example, run_cli
from write_support import IS_ROOT, run_python, snapshot

# A render that stops for good just before putting its N-th file in place, after saying so.
STOPS_BEFORE_INSTALL = """
import sys, time
from pathlib import Path
import generator.render.atomic as atomic

marker, stop_at = Path(sys.argv[1]), int(sys.argv[2])
real, calls = atomic._install, []

def install(item, tmp, token):
    calls.append(item.path)
    if len(calls) == stop_at:
        marker.write_text(str(len(calls)))
        time.sleep(600)
    return real(item, tmp, token)

atomic._install = install
from generator.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _leftovers(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(".tightship~*"))


def _killed_render(service, out, marker, stop_at: int, *extra: str) -> int:
    proc = run_python(STOPS_BEFORE_INSTALL, str(marker), str(stop_at), "render", "--out",
                      str(out), *extra, cwd=service, wait=False)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the render never reached its renames"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.pid


def test_the_next_render_removes_a_killed_renders_temp_files(tmp_path):
    service = copy_example("python", tmp_path)
    reference = tmp_path / "reference"
    assert run_cli("render", "--out", str(reference), cwd=service).code == 0
    out = tmp_path / "out"
    dead = _killed_render(service, out, tmp_path / "marker", 1)
    litter = _leftovers(out)
    assert "Dockerfile" not in os.listdir(out)  # killed before any rename
    assert any(name.endswith("~new~Dockerfile") for name in litter), litter
    assert any(name.startswith("k8s/") for name in litter), litter
    assert all(f".tightship~{dead}~" in name for name in litter)

    result = run_cli("render", "--out", str(out), cwd=service)
    assert result.code == 0, result.err
    assert _leftovers(out) == []
    assert snapshot(out) == snapshot(reference)


def test_a_render_killed_among_its_renames_leaves_nothing_a_forced_rerun_keeps(tmp_path):
    service = copy_example("node", tmp_path)
    out = tmp_path / "out"
    assert run_cli("render", "--out", str(out), "--set", "healthcheck.interval=9s",
                   cwd=service).code == 0
    _killed_render(service, out, tmp_path / "marker", 3, "--force")
    assert any("~old~" in name for name in _leftovers(out))  # backups of replaced files

    result = run_cli("render", "--out", str(out), "--force", cwd=service)
    assert result.code == 0, result.err
    assert _leftovers(out) == []
    reference = tmp_path / "reference"
    assert run_cli("render", "--out", str(reference), cwd=service).code == 0
    assert snapshot(out) == snapshot(reference)


def test_names_that_only_look_like_leftovers_are_kept(tmp_path):
    service = copy_example("python", tmp_path)
    out = tmp_path / "out"
    dead = _killed_render(service, out, tmp_path / "marker", 1)
    keep = {
        # a live process's (pid 1 is always running)
        ".tightship~1~deadbeef~new~Dockerfile": "file",
        # someone's own temp file, in the old style
        ".Dockerfile.x1y2z3.tmp": "file",
        # not a regular file
        f".tightship~{dead}~0badf00d~new~seccomp.json": "link",
        f".tightship~{dead}~0badf00d~new~apparmor": "dir",
        # not the tightship name pattern
        f".tightship-{dead}-compose.yaml": "file",
    }
    for name, kind in keep.items():
        path = out / name
        if kind == "file":
            path.write_text("someone's\n")
        elif kind == "link":
            path.symlink_to(out / ".Dockerfile.x1y2z3.tmp")
        else:
            path.mkdir()
    if IS_ROOT:  # another user's file, in a dead process's name
        other = out / f".tightship~{dead}~0badf00d~new~compose.yaml"
        other.write_text("another user's\n")
        os.chown(other, 65534, 65534)
        keep[other.name] = "file"

    result = run_cli("render", "--out", str(out), cwd=service)
    assert result.code == 0, result.err
    after = set(os.listdir(out))
    assert set(keep) <= after
    assert not [n for n in after if n.startswith(f".tightship~{dead}~") and n not in keep]
    assert (out / ".Dockerfile.x1y2z3.tmp").read_text() == "someone's\n"
