"""Bringing one rendered service up with its generated compose file, and reading `verify`.

For engine tests that build their own image (the examples share theirs: example_builds.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import engine_support
from cli_support import run_cli
from test_engine_compose import apparmor_loaded, compose_command


class Compose:
    """docker-compose on one project, as a user runs it from the service's folder."""

    def __init__(self, folder: Path, project: str, apparmor: list[Path]):
        self.folder, self.project = folder, project
        self.env = {**os.environ, "COMPOSE_PROJECT_NAME": project,
                    "COMPOSE_INTERACTIVE_NO_CLI": "1"}
        self.env.pop("TIGHTSHIP_APPARMOR", None)
        if apparmor:
            self.env["TIGHTSHIP_APPARMOR"] = apparmor[0].name

    def __call__(self, *args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([*compose_command(), "-f", "compose.yaml", *args],
                              capture_output=True, text=True, timeout=300, env=self.env,
                              cwd=self.folder)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc

    def container(self, engine):
        (found,) = engine.containers.list(
            all=True, filters={"label": f"com.docker.compose.project={self.project}"})
        return found


@contextlib.contextmanager
def project(engine, folder: Path, name: str):
    project_name = f"tsservices{name.replace('-', '')}{uuid.uuid4().hex[:6]}"
    with apparmor_loaded(engine, folder) as loaded:
        compose = Compose(folder, project_name, loaded)
        try:
            yield compose
        finally:
            subprocess.run([*compose_command(), "-f", "compose.yaml", "down", "-v",
                            "--remove-orphans"], capture_output=True, timeout=300,
                           env=compose.env, cwd=folder)


def build(engine, folder: Path, svc: dict) -> None:
    engine_support.build_image(engine, folder, svc["image"])


def get(url: str, timeout: float = 90) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def verify_proofs(folder: Path, profile: Path, *sets: str) -> dict[str, dict]:
    result = run_cli("verify", "--profile", str(profile), "--format", "json",
                     *(x for s in sets for x in ("--set", s)), cwd=folder)
    proofs = {p["name"]: p for p in json.loads(result.out)} if result.out.strip() else {}
    assert result.code == 0, result.out + result.err
    return proofs


def assert_every_property(proofs: dict[str, dict], writable: list[str]) -> None:
    for name in ("build", "healthy", "non-root", "no capabilities", "no-new-privileges",
                 "seccomp filter", "read-only root", "forbidden syscall",
                 *(f"writable {p}" for p in writable)):
        assert proofs.get(name, {}).get("ok") is True, (name, proofs)
    assert not [p for p in proofs.values() if p["ok"] is False], proofs
