"""docker-compose's own command line, without its start-up on every call.

docker-compose (Debian's package, compose 1.x) is Python: importing it costs most of a
second of CPU, and the tests ask it to read a file a few dozen times. One process per test
worker imports it once, then forks a child for each call; the child gets the call's argv,
environment, folder, stdout and stderr, and runs the installed `docker-compose` script itself,
as the command line would. tests/test_compose.py compares the two ways on a good and a bad
file, so an answer from here is the command's answer.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import engine_support
import pytest

# Runs under docker-compose's own interpreter. One request per line: {argv, cwd, env,
# timeout}; one answer per line: {code, stdout, stderr}.
SERVER = r"""
import json, os, runpy, signal, sys, tempfile, time
import importlib.metadata, compose.cli.main  # what every call would import again

script = sys.argv[1]
answers = os.fdopen(os.dup(1), "w")
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # a stray print cannot break the protocol
for line in sys.stdin:
    call = json.loads(line)
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.chdir(call["cwd"])
            os.environ.clear()
            os.environ.update(call["env"])
            sys.argv = [script, *call["argv"]]
            code = 0
            try:
                runpy.run_path(script, run_name="__main__")
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if not isinstance(exc.code, (int, type(None))):
                    print(exc.code, file=sys.stderr)
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    deadline = time.monotonic() + call["timeout"]
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = None
            break
        time.sleep(0.005)
    texts = []
    for file in (out, err):
        file.seek(0)
        texts.append(file.read().decode("utf-8", "replace"))
        file.close()
    code = None if status is None else os.waitstatus_to_exitcode(status)
    answers.write(json.dumps({"code": code, "stdout": texts[0], "stderr": texts[1]}) + "\n")
    answers.flush()
"""


def compose_script() -> str:
    """The installed docker-compose; under CI its absence fails, elsewhere it skips."""
    found = shutil.which("docker-compose")
    if found:
        return found
    reason = "docker-compose is not installed (apt-get install docker-compose)"
    if engine_support.in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


def _interpreter(script: str) -> str:
    first = Path(script).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#!") and "python" in first, f"{script} is not a Python script"
    return first[2:].strip().split()[0]


class _Server:
    def __init__(self, script: str):
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([_interpreter(script), "-c", SERVER, script],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        atexit.register(self.close)

    def call(self, argv: list[str], cwd: Path, env: dict[str, str],
             timeout: float) -> subprocess.CompletedProcess:
        request = json.dumps({"argv": argv, "cwd": str(cwd), "env": env, "timeout": timeout})
        with self.lock:
            assert self.proc.stdin and self.proc.stdout
            self.proc.stdin.write(request + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        assert line, "the docker-compose server stopped"
        answer = json.loads(line)
        if answer["code"] is None:
            raise subprocess.TimeoutExpired(["docker-compose", *argv], timeout)
        return subprocess.CompletedProcess(["docker-compose", *argv], answer["code"],
                                           answer["stdout"], answer["stderr"])

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin and self.proc.stdout
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
            self.proc.stdout.close()


_servers: dict[str, _Server] = {}


def docker_compose(*argv: str, cwd: Path, env: dict[str, str] | None = None,
                   timeout: float = 120) -> subprocess.CompletedProcess:
    """`docker-compose ARGV...` run in `cwd` with `env` (default: this environment)."""
    script = compose_script()
    if script not in _servers:
        _servers[script] = _Server(script)
    return _servers[script].call(list(argv), cwd, dict(os.environ if env is None else env),
                                 timeout)


def docker_compose_process(*argv: str, cwd: Path, env: dict[str, str] | None = None,
                           timeout: float = 120) -> subprocess.CompletedProcess:
    """The same call as a process of its own: the command line as a user starts it."""
    return subprocess.run([compose_script(), *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ if env is None else env))
