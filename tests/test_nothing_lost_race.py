"""Two renders of different answers into one folder at once, without --force: one writes, the
other finds files that differ and replaces none of them, however the runs interleave."""

from __future__ import annotations

import subprocess

from cli_support import copy_example, run_cli
from write_support import run_python, snapshot

from generator.render import atomic

# Both processes plan (every file "create"), meet at a barrier, then write: the interleaving
# in which a render that only checked once, before writing, replaces the other's files.
AFTER_PLANNING = """
import sys, time
from pathlib import Path
import generator.render.writer as writer

barrier, me = Path(sys.argv[1]), sys.argv[2]
real_plan = writer.plan

def plan(files, out_dir):
    planned = real_plan(files, out_dir)
    (barrier / me).touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    return planned

writer.plan = plan
from generator.cli import main
sys.exit(main(sys.argv[3:]))
"""
PLAIN = "import sys\nfrom generator.cli import main\nsys.exit(main(sys.argv[1:]))\n"
INTERVALS = ("5s", "7s")


def _references(service, tmp_path) -> dict[str, dict]:
    refs = {}
    for interval in INTERVALS:
        out = tmp_path / f"ref-{interval}"
        result = run_cli("render", "--out", str(out), "--set",
                         f"healthcheck.interval={interval}", cwd=service)
        assert result.code == 0, result.err
        refs[interval] = snapshot(out)
    return refs


def _race(service, out, code: str, *leading: str) -> dict[str, subprocess.CompletedProcess]:
    procs = {interval: run_python(code, *leading, interval, "render", "--out", str(out),
                                  "--set", f"healthcheck.interval={interval}", cwd=service,
                                  wait=False)
             for interval in INTERVALS}
    done = {}
    for interval, proc in procs.items():
        try:
            stdout, stderr = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        done[interval] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return done


def _one_winner(results, refs, out) -> None:
    codes = {k: r.returncode for k, r in results.items()}
    winners = [k for k, code in codes.items() if code == 0]
    assert len(winners) == 1, codes
    (loser,) = set(INTERVALS) - set(winners)
    assert codes[loser] == 1, results[loser].stderr
    assert "conflict: would overwrite files that differ from this render" in results[loser].stderr
    assert snapshot(out) == refs[winners[0]]  # every file from one run, none of the other's


def test_renders_meeting_after_planning_never_both_write(tmp_path):
    service = copy_example("python", tmp_path)
    refs = _references(service, tmp_path)
    for round_ in range(2):
        out, barrier = tmp_path / f"out{round_}", tmp_path / f"barrier{round_}"
        barrier.mkdir()
        _one_winner(_race(service, out, AFTER_PLANNING, str(barrier)), refs, out)


def test_renders_started_together_never_both_write(tmp_path):
    service = copy_example("python", tmp_path)
    refs = _references(service, tmp_path)
    for round_ in range(3):
        out = tmp_path / f"out{round_}"
        results = _race(service, out, PLAIN.replace("sys.argv[1:]", "sys.argv[2:]"))
        _one_winner(results, refs, out)


def test_a_file_changed_just_before_its_replace_is_not_replaced(tmp_path, monkeypatch):
    """Someone without the lock (an editor) writes compose.yaml after the plan under the lock:
    it is kept, and the files already put in place are taken back."""
    service = copy_example("python", tmp_path)
    out = tmp_path / "out"
    real = atomic._install

    def editor_meanwhile(item, tmp, token):
        if item.path.name == "Dockerfile":
            (out / "compose.yaml").write_text("services: {}\n")
        return real(item, tmp, token)

    monkeypatch.setattr(atomic, "_install", editor_meanwhile)
    result = run_cli("render", "--out", str(out), cwd=service)
    assert result.code == 1, result.err
    assert "compose.yaml changed while tightship was writing" in result.err
    assert snapshot(out) == {"compose.yaml": ("file", 0o644, b"services: {}\n")}
