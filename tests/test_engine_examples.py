"""On a real engine, every example (Java has its own tests) as a user runs it.

Each one is built once from its generated Dockerfile (example_builds), brought up with its
generated compose.yaml and seccomp profile, and does its job: a real request from the host
through the published 127.0.0.1 port answers, or the worker reads its database password,
processes a job from its spool and says so; what a service writes to its persistent volume is
still there after `compose down` / `up`. `tightship verify` proves every property of each, and
the dependency versions installed in the image are exactly those of the lock file (or of
vendor/modules.txt, read from the Go binary's build info).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import engine_support
import pytest
from cli_support import run_cli
from example_builds import EXAMPLES, Built
from lock_support import go_linked, go_vendored, installed, locked
from test_engine_compose import apparmor_loaded, compose_command, host_has_apparmor

pytestmark = pytest.mark.engine

NAMES = sorted(EXAMPLES)


class Compose:
    """docker-compose on the example's folder, as a user runs it there."""

    def __init__(self, built: Built, apparmor: list[Path]):
        self.folder = built.folder
        self.project = f"tsexamples{built.name.replace('-', '')}{uuid.uuid4().hex[:6]}"
        self.env = {**os.environ, "COMPOSE_PROJECT_NAME": self.project,
                    "COMPOSE_INTERACTIVE_NO_CLI": "1"}
        self.env.pop("TIGHTSHIP_APPARMOR", None)
        if apparmor:  # the generated profile where AppArmor exists (README: run it)
            self.env["TIGHTSHIP_APPARMOR"] = apparmor[0].name

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([*compose_command(), "-f", "compose.yaml", *args],
                              capture_output=True, text=True, timeout=300, env=self.env,
                              cwd=self.folder)
        assert proc.returncode == 0 or not check, proc.stderr[-3000:]
        return proc

    def up(self, engine):
        self("up", "-d", "--no-build")
        (container,) = engine.containers.list(
            all=True, filters={"label": f"com.docker.compose.project={self.project}"})
        engine_support.wait_healthy(container, timeout=180)
        return container


@contextlib.contextmanager
def compose_project(engine, built: Built):
    with apparmor_loaded(engine, built.folder) as loaded:
        compose = Compose(built, loaded)
        try:
            yield compose
        finally:
            compose("down", "-v", "--remove-orphans", check=False)


def write_secrets(built: Built) -> None:
    """What the README asks: ./secrets/NAME, readable by the service's UID (0400, its own)."""
    uid, gid = (int(x) for x in built.svc["user"].split(":"))
    (built.folder / "secrets").mkdir(exist_ok=True)
    for name in built.svc.get("secrets", []):
        path = built.folder / "secrets" / name
        path.write_text(f"test-{name}-{uuid.uuid4().hex}\n")
        os.chown(path, uid, gid)
        path.chmod(0o400)


def request(base: str, method: str, path: str, body: dict | None = None,
            timeout: float = 60) -> tuple[int, str]:
    """One HTTP request from the host; retried while the port does not take connections."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def exercise(name: str, base: str) -> None:
    """One real request per service, beyond its health path."""
    if name == "django-uploads":
        status, page = request(base, "GET", "/")
        assert status == 200, page[:500]
        sheet = re.search(r'href="(/static/[^"]+\.css)"', page)
        assert sheet, page[:500]  # collected at build time, served by whitenoise
        assert request(base, "GET", sheet.group(1))[0] == 200
    elif name == "fastapi-poetry":
        status, text = request(base, "POST", "/notes", {"title": "t", "body": "b"})
        assert status == 201, text
        assert request(base, "GET", f"/notes/{json.loads(text)['id']}")[0] == 200
    elif name == "express-pnpm":
        status, text = request(base, "POST", "/echo", {"message": "hello"})
        assert status == 200 and "hello" in text, text
    elif name == "express-yarn":
        status, text = request(base, "POST", "/counters/visits")
        assert status == 200 and json.loads(text)["value"] == 1, text
    elif name == "koa-yarn-berry":
        status, text = request(base, "GET", "/greet/Ada")
        assert status == 200 and "Ada" in text, text
    elif name == "ts-api":
        status, text = request(base, "GET", "/convert?celsius=100")
        assert status == 200 and json.loads(text)["fahrenheit"] == 212, text
    elif name == "go-cmd-vendor":
        status, text = request(base, "POST", "/items/bolts", {"delta": 5})
        assert status == 200 and json.loads(text)["units"] == 5, text
        status, text = request(base, "GET", "/items/bolts")
        assert status == 200 and json.loads(text)["units"] == 5, text
    else:  # the small examples and the web servers: their front page
        status, text = request(base, "GET", "/")
        assert status == 200 and text.strip(), text[:500]


JOB = {"id": "job-7", "op": "sum", "values": [1, 2, 3.5]}
DROP_JOB = ("import json, os, sys; d = os.environ['SPOOL_DIR']; "
            "open(d + '/job-7.json.tmp', 'w').write(sys.argv[1]); "
            "os.rename(d + '/job-7.json.tmp', d + '/job-7.json')")
MARK = "import sys; open(sys.argv[1], 'w').write('kept')"


def wait_for_log(container, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        logs = container.logs().decode(errors="replace")
        if text in logs:
            return logs
        assert time.monotonic() < deadline, logs[-2000:]
        time.sleep(1)


@pytest.mark.parametrize("name", NAMES)
def test_example_does_its_job_under_the_generated_compose_and_seccomp(engine, example, name):
    built = example(name)
    assert "seccomp=./seccomp.json" in built.svc["security_opt"]
    write_secrets(built)
    user = built.svc["user"]
    with compose_project(engine, built) as compose:
        container = compose.up(engine)
        assert int(engine_support.proc_status(container)["Seccomp"]) == 2
        if built.host_port is None:  # the worker: a job in, a result out, and it says so
            code, out = container.exec_run(["python3", "-c", DROP_JOB, json.dumps(JOB)],
                                           user=user)
            assert code == 0, out
            wait_for_log(container, "processed job job-7")
        else:
            base = f"http://127.0.0.1:{built.host_port}"
            exercise(name, base)
        for path in built.example.volumes:  # written now, read after down / up
            code, out = container.exec_run(["python3", "-c", MARK, f"{path}/.kept"], user=user)
            assert code == 0, out
        if built.example.volumes:
            compose("down")  # keeps the named volumes
            container = compose.up(engine)
            for path in built.example.volumes:
                code, out = container.exec_run(["cat", f"{path}/.kept"], user=user)
                assert (code, out) == (0, b"kept"), out
            if built.host_port is None:
                code, out = container.exec_run(
                    ["cat", "/var/spool/worker/results/job-7.json"], user=user)
                assert code == 0, out
                assert json.loads(out) == {"id": "job-7", "op": "sum", "result": 6.5}


@pytest.mark.parametrize("name", NAMES)
def test_verify_proves_every_property(engine, example, name):
    built = example(name)
    result = run_cli("verify", "--profile", str(built.profile), "--format", "json",
                     *(x for s in built.sets for x in ("--set", s)), cwd=built.folder)
    proofs = {p["name"]: p for p in json.loads(result.out)} if result.out.strip() else {}
    assert result.code == 0, result.out + result.err
    for proof in ("build", "healthy", "non-root", "no capabilities", "no-new-privileges",
                  "seccomp filter", "read-only root", "forbidden syscall",
                  *(f"writable {p}" for p in built.writable)):
        assert proofs.get(proof, {}).get("ok") is True, (proof, proofs)
    untried = {p["name"] for p in proofs.values() if p["ok"] is not True}
    # AppArmor is proved only where the kernel has it (compiled, not enforced, elsewhere)
    assert untried <= ({"apparmor"} if not host_has_apparmor(engine) else set()), proofs


LOCKED = [n for n in NAMES if EXAMPLES[n].runtime in ("python", "node", "go")]


@pytest.mark.parametrize("name", LOCKED)
def test_installed_versions_are_exactly_the_locked_ones(engine, example, tmp_path, name):
    built = example(name)
    if built.example.runtime == "go":
        expected = go_vendored(built.folder)
        config = built.image.attrs["Config"]
        binary = config.get("Entrypoint") or config["Cmd"]
        found = go_linked(engine, built.image.id, binary[0], engine_support.GOLANG_IMAGE,
                          tmp_path)
    else:
        expected = locked(built.folder)
        found = installed(engine, built.image.id, built.example.runtime)
    assert found == expected
    if name not in ("python", "node", "go"):
        assert expected  # the realistic ones lock real third-party packages


def test_no_installer_or_build_tree_reaches_the_final_images(engine, example):
    for name in LOCKED:
        built = example(name)
        runtime = built.example.runtime
        if runtime == "go":
            continue  # distroless: the binary alone (test_engine_go_vendor)
        argv = (["python3", "-c", "import os, sys; sys.exit(any(os.path.exists(p) for p in "
                 "('/opt/build-tools', '/opt/venv/bin/uv', '/app/uv.lock', '/app/poetry.lock',"
                 " '/tmp/poetry-requirements.txt')))"]
                if runtime == "python" else
                ["node", "-e", "const fs = require('fs'); process.exit(['/app/src/server.ts', "
                 "'/app/pnpm-lock.yaml', '/app/yarn.lock', '/app/package-lock.json', "
                 "'/app/node_modules/typescript', '/app/.yarnrc.yml'].some(fs.existsSync) "
                 "? 1 : 0)"])
        engine.containers.run(built.image.id, argv, remove=True, network_mode="none")


# --- the static seccomp groups against what the real servers call ---------------------------

# nginx, gunicorn/Django, uvicorn/FastAPI, node/Express, Go's net/http, the worker
SERVERS = ["nginx-static", "django-uploads", "fastapi-poetry", "express-pnpm", "go-cmd-vendor",
           "spool-worker"]
MOST_ALLOWED = 180  # well under Docker's default (361)


def static_allowed(built: Built) -> set[str]:
    """The names the generated profile allows (some only with given arguments)."""
    profile = json.loads((built.folder / "seccomp.json").read_text())
    return {n for rule in profile["syscalls"] if rule["action"] == "SCMP_ACT_ALLOW"
            for n in rule["names"]}


def static_answered(built: Built) -> set[str]:
    """The names the generated profile has a rule for: allowed, or answered with a chosen
    errno (clone3 gets ENOSYS, so the C library falls back to clone, which is allowed)."""
    profile = json.loads((built.folder / "seccomp.json").read_text())
    return {n for rule in profile["syscalls"] for n in rule["names"]}


@pytest.mark.parametrize("name", NAMES)
def test_static_profile_allows_at_most_180_syscalls(example, name):
    count = len(static_allowed(example(name)))
    print(f"\n{name}: the generated seccomp profile allows {count} syscalls")
    assert count <= MOST_ALLOWED


@pytest.mark.parametrize("name", SERVERS)
def test_static_groups_cover_what_the_server_calls(example, name):
    """Traced under `seccomp learn` (strace, on the engine): every call the server, its
    health check and its start-up make is in the generated profile, dangerous ones aside."""
    from generator.engine.learn import learn
    from generator.render.confinement import profile_groups, runtime_groups
    from generator.render.profiles import load_profile

    built = example(name)
    profile = load_profile(str(built.profile))
    groups = profile_groups(profile)
    result = learn(built.image.id, runtime=built.example.runtime, groups=groups,
                   runtime_groups=runtime_groups(profile, built.example.runtime),
                   writable=built.writable, secrets=built.svc.get("secrets", []),
                   run_seconds=8)
    print(f"\n{name}: traced {len(result.seen)} syscalls; dangerous, refused and survived: "
          f"{', '.join(result.left_out) or 'none'}")
    assert result.healthy, result.health_log  # it copes without the dangerous ones
    missing = set(result.seen) - static_answered(built) - set(groups.dangerous)
    assert not missing, f"{name} calls {sorted(missing)}, which the static groups lack"
