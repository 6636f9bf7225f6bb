import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path):
    (tmp_path / "db_password").write_text("s3cret\n")
    (tmp_path / "spool").mkdir()
    return dict(os.environ, PYTHONPATH=str(PROJECT), SPOOL_DIR=str(tmp_path / "spool"),
                RESULTS_DIR=str(tmp_path / "results"), HEARTBEAT_FILE=str(tmp_path / "beat"),
                DB_PASSWORD_FILE=str(tmp_path / "db_password"), POLL_SECONDS="0.1")


def wait_for(path: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def health(env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker.health"], env=env,
                          capture_output=True, text=True)


def test_a_job_file_becomes_a_result_and_a_log_line(env, tmp_path):
    assert health(env).returncode == 1  # not started: no heartbeat yet
    (tmp_path / "spool" / "a.json").write_text(json.dumps({"id": "job-7", "op": "sum", "values": [1, 2, 3.5]}))
    (tmp_path / "spool" / "b.json").write_text('{"id": "bad id!", "op": "sum", "values": []}')
    proc = subprocess.Popen([sys.executable, "-m", "worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(tmp_path / "results" / "job-7.json")
        wait_for(tmp_path / "results" / "b.error.json")
        assert health(env).returncode == 0
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    result = json.loads((tmp_path / "results" / "job-7.json").read_text())
    assert result == {"id": "job-7", "op": "sum", "result": 6.5}
    assert not list((tmp_path / "spool").glob("*.json"))
    assert "processed job job-7" in out
    assert "s3cret" not in out


def test_without_the_password_file_it_stops_with_one_clear_line(env, tmp_path):
    env["DB_PASSWORD_FILE"] = str(tmp_path / "absent")
    result = subprocess.run([sys.executable, "-m", "worker"], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr == (f"worker: error: cannot read the database password from "
                             f"{tmp_path / 'absent'} (DB_PASSWORD_FILE): No such file or directory\n")


def test_a_stale_heartbeat_is_unhealthy(env, tmp_path):
    beat = tmp_path / "beat"
    beat.write_text("0\n")
    os.utime(beat, (time.time() - 120, time.time() - 120))
    result = health(env)
    assert result.returncode == 1
    assert "last heartbeat 120s ago" in result.stderr
