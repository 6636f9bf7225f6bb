"""On a real engine: realistic services run under the files tightship writes and do their job.

Each one is built from its generated Dockerfile and brought up with its generated compose.yaml
(seccomp profile included): Debian's nginx answers a request from the host through the
published 127.0.0.1 port; the worker reads its database password at start-up, processes a job
from its spool and says so, and its results on the persistent volume survive `compose down` /
`up`; `verify` proves every property of each, including that each writable path takes a file
as the service's UID; and a port below 1024 binds through the generated sysctl, where with the
kernel's default it does not. Services that need a build the runtimes do not offer yet (pnpm,
uv) run once the rendered Dockerfile installs with that tool.
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
import pytest
from cli_support import copy_example, run_cli
from ruamel.yaml import YAML
from test_engine_compose import apparmor_loaded, compose_command, free_port
from test_services_manifests import SERVICES

from generator.engine.verify import run_settings

pytestmark = pytest.mark.engine

PORT_START = "net.ipv4.ip_unprivileged_port_start"


def render_into(folder: Path, profile: Path, *sets: str) -> dict:
    """Render the example in its own folder (the build context); its compose service."""
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(profile), "--force", *(x for s in sets for x in ("--set", s)))
    assert result.code == 0, result.err
    compose = YAML(typ="safe").load((folder / "compose.yaml").read_text())
    (svc,) = compose["services"].values()
    return svc


def write_secrets(folder: Path, svc: dict) -> None:
    """What the README asks: ./secrets/NAME, readable by the service's UID (0400, its own)."""
    uid, gid = (int(x) for x in svc["user"].split(":"))
    (folder / "secrets").mkdir(exist_ok=True)
    for name in svc.get("secrets", []):
        path = folder / "secrets" / name
        path.write_text(f"test-{name}-{uuid.uuid4().hex}\n")
        os.chown(path, uid, gid)
        path.chmod(0o400)


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


def repository(name: str) -> str:
    return f"run.image.repository={engine_support.TEST_TAG_PREFIX}services-{name}"


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


# --- Debian's nginx under the generic runtime ----------------------------------------------------

def test_debian_nginx_serves_the_host_under_the_generated_profile(engine, engine_profile,
                                                                  tmp_path):
    folder = copy_example("nginx-static", tmp_path)
    port = free_port()
    sets = [*SERVICES["nginx-static"], repository("nginx-static"), f"run.publish={{8080: {port}}}"]
    svc = render_into(folder, engine_profile, *sets)
    assert "seccomp=./seccomp.json" in svc["security_opt"]
    build(engine, folder, svc)
    with project(engine, folder, "nginx") as compose:
        compose("up", "-d", "--no-build")
        engine_support.wait_healthy(compose.container(engine), timeout=120)
        status, body = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and body
    proofs = verify_proofs(folder, engine_profile, *sets)
    assert_every_property(proofs, ["/tmp"])


# --- the worker: a secret read at start-up, a spool, results on a persistent volume --------------

JOB = {"id": "job-7", "op": "sum", "values": [1, 2, 3.5]}
DROP_JOB = ("import json, os, sys; d = os.environ['SPOOL_DIR']; "
            "open(d + '/job-7.json.tmp', 'w').write(sys.argv[1]); "
            "os.rename(d + '/job-7.json.tmp', d + '/job-7.json')")


def wait_for_log(container, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        logs = container.logs().decode(errors="replace")
        if text in logs:
            return logs
        assert time.monotonic() < deadline, logs[-2000:]
        time.sleep(1)


def test_worker_processes_a_job_and_keeps_its_results(engine, engine_profile, tmp_path):
    folder = copy_example("spool-worker", tmp_path)
    sets = [*SERVICES["spool-worker"], repository("spool-worker")]
    svc = render_into(folder, engine_profile, *sets)
    assert svc["volumes"] == ["spool:/var/spool/worker"]
    write_secrets(folder, svc)
    build(engine, folder, svc)
    result_file = "/var/spool/worker/results/job-7.json"
    with project(engine, folder, "worker") as compose:
        compose("up", "-d", "--no-build")
        container = compose.container(engine)
        engine_support.wait_healthy(container, timeout=120)  # it read its password
        code, out = container.exec_run(["python3", "-c", DROP_JOB, json.dumps(JOB)],
                                       user=svc["user"])
        assert code == 0, out
        wait_for_log(container, "processed job job-7")
        compose("down")  # keeps named volumes
        compose("up", "-d", "--no-build")
        container = compose.container(engine)
        engine_support.wait_healthy(container, timeout=120)
        code, out = container.exec_run(["cat", result_file], user=svc["user"])
        assert code == 0, out
        assert json.loads(out) == {"id": "job-7", "op": "sum", "result": 6.5}
    proofs = verify_proofs(folder, engine_profile, *sets)
    assert_every_property(proofs, ["/tmp", "/var/spool/worker"])


def test_worker_without_its_secret_does_not_start(engine, engine_profile, tmp_path):
    """The proof above needs the secret: without a value the worker refuses to start."""
    folder = copy_example("spool-worker", tmp_path)
    svc = render_into(folder, engine_profile, *SERVICES["spool-worker"],
                      repository("spool-worker"))
    build(engine, folder, svc)
    settings, _ = run_settings((folder / "compose.yaml").read_text(), "spool-worker",
                               (folder / "seccomp.json").read_text(), False)
    with engine_support.run_container(engine, svc["image"], **settings) as container:
        assert container.wait(timeout=60)["StatusCode"] == 2
        assert "cannot read the database password" in container.logs().decode()


# --- a port below 1024: the sysctl, not a capability ----------------------------------------------

LOW_PORT = ("ports=[80]", "command=[busybox, httpd, -f, -p, '80', -h, /app/www]",
            "healthcheck.command=[busybox, wget, -q, -O, /dev/null, 'http://127.0.0.1:80/healthz']")


def test_port_80_binds_through_the_generated_sysctl_only(engine, engine_profile, tmp_path):
    folder = copy_example("generic", tmp_path)
    svc = render_into(folder, engine_profile, *LOW_PORT, repository("generic-80"))
    assert svc["sysctls"] == {PORT_START: "80"} and "cap_add" not in svc
    build(engine, folder, svc)
    settings, _ = run_settings((folder / "compose.yaml").read_text(), "hello-generic",
                               (folder / "seccomp.json").read_text(), False)
    # the kernel's default, as containerd and CRI-O nodes keep it: the bind is refused
    baseline = {**settings, "sysctls": {PORT_START: "1024"}}
    with engine_support.run_container(engine, svc["image"], **baseline) as container:
        assert container.wait(timeout=60)["StatusCode"] != 0
        assert "ermission denied" in container.logs().decode()
    with engine_support.run_container(engine, svc["image"], **settings) as container:
        engine_support.wait_healthy(container, timeout=60)
        assert int(engine_support.proc_status(container)["CapEff"], 16) == 0


# --- web servers of each runtime, under the static groups ----------------------------------------

# example -> (container port, what its Dockerfile needs, if the runtimes are still gaining it)
WEB = {"go-cmd-vendor": (8080, None),      # Go's net/http (with chi)
       "ts-api": (8080, "/app/dist"),      # node, Express, its tsc output copied
       "fastapi-poetry": (8000, "poetry-requirements"),  # uvicorn, from poetry.lock
       "koa-yarn-berry": (3000, "yarn workspaces focus")}  # yarn berry


@pytest.mark.parametrize("name", list(WEB))
def test_web_server_answers_the_host_under_the_generated_profile(engine, engine_profile,
                                                                 tmp_path, name):
    container_port, install = WEB[name]
    folder = copy_example(name, tmp_path)
    port = free_port()
    svc = render_into(folder, engine_profile, repository(name),
                      f"run.publish={{{container_port}: {port}}}")
    assert "seccomp=./seccomp.json" in svc["security_opt"]
    if install:
        needs_build_tool(folder, install)
    build(engine, folder, svc)
    with project(engine, folder, name) as compose:
        compose("up", "-d", "--no-build")
        engine_support.wait_healthy(compose.container(engine), timeout=120)
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    assert_every_property(verify_proofs(folder, engine_profile, repository(name)), ["/tmp"])


# --- services built with their own package manager ---------------------------------------------

def needs_build_tool(folder: Path, install: str) -> None:
    """The rendered Dockerfile installs with the project's own tool (`pnpm install`, `uv sync`)."""
    assert install in (folder / "Dockerfile").read_text(), (
        f"the {folder.name} example's Dockerfile does not use `{install}`")


def test_express_on_port_80_answers_the_host(engine, engine_profile, tmp_path):
    folder = copy_example("express-pnpm", tmp_path)
    port = free_port()
    svc = render_into(folder, engine_profile, repository("express-pnpm"),
                      f"run.publish={{80: {port}}}")
    assert svc["sysctls"] == {PORT_START: "80"}
    needs_build_tool(folder, "pnpm install")
    build(engine, folder, svc)
    with project(engine, folder, "express") as compose:
        compose("up", "-d", "--no-build")
        engine_support.wait_healthy(compose.container(engine), timeout=120)
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    assert_every_property(verify_proofs(folder, engine_profile, repository("express-pnpm")),
                          ["/tmp"])


def test_django_keeps_uploads_and_reads_its_key_at_start(engine, engine_profile, tmp_path):
    folder = copy_example("django-uploads", tmp_path)
    port = free_port()
    sets = [*SERVICES["django-uploads"], repository("django-uploads"),
            f"run.publish={{8000: {port}}}"]
    svc = render_into(folder, engine_profile, *sets)
    assert svc["volumes"] == ["uploads:/data/uploads"]
    needs_build_tool(folder, "uv sync")
    write_secrets(folder, svc)
    build(engine, folder, svc)
    marker = "/data/uploads/.tightship-persisted"
    with project(engine, folder, "django") as compose:
        compose("up", "-d", "--no-build")
        container = compose.container(engine)
        engine_support.wait_healthy(container, timeout=180)
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200
        code, out = container.exec_run(["python3", "-c", f"open('{marker}', 'w').write('x')"],
                                       user=svc["user"])
        assert code == 0, out
        compose("down")
        compose("up", "-d", "--no-build")
        container = compose.container(engine)
        engine_support.wait_healthy(container, timeout=180)
        assert container.exec_run(["test", "-f", marker], user=svc["user"])[0] == 0
    assert_every_property(verify_proofs(folder, engine_profile, *sets),
                          ["/tmp", "/data/uploads"])
