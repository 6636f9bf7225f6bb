"""Running the command line in-process, the way a user would, and reading what it printed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
EXAMPLE_NAMES = ("python", "node", "go", "java", "static", "generic")


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        code = main(list(args), stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def run_subprocess(*args: str, cwd: Path | None = None, env: dict | None = None) -> Result:
    """The installed console entry point, as a separate process (cold start, real argv)."""
    proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def copy_example(name: str, dest: Path) -> Path:
    """A private copy of an example service, so a test can render into it."""
    target = dest / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def tool(name: str) -> str:
    """A tool installed beside the interpreter (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise AssertionError(f"{name} is not installed (pip install -e '.[test]')")
    return found


# The smallest answers file that renders: tests change one field of it at a time.
MINIMAL_ANSWERS = """\
service: api
runtime: python
build:
  dependencies: [requirements.txt]
  sources: [app/]
command: [python3, -m, app]
ports: [8080]
healthcheck:
  http: /healthz
"""
