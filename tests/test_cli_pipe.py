"""A reader that stops early (`tightship check … | head -1`) is no error of tightship's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_closed_pipe_ends_quietly_without_an_internal_error():
    # a report of megabytes: far more than a pipe holds, so the writer meets the closed end
    proc = subprocess.Popen([sys.executable, "-m", "generator", "check", "tests/corpus",
                             "tests/peers", "--format", "sarif"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader is gone before the writer is done
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = proc.wait(timeout=60)
    assert first.startswith(b"{")
    assert "internal error" not in err and "Traceback" not in err
    assert code == 141
