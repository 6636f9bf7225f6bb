"""The realistic Python and Node examples build from their generated Dockerfile, run hardened
(read-only root, no capabilities, non-root), answer a real request from the host or do their
job, and hold exactly the dependency versions their lock file names, read from the image."""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomllib
from cli_support import EXAMPLES, run_cli
from engine_support import REGISTRY, build_image, run_container, unavailable, wait_healthy
from packaging.markers import Marker
from ruamel.yaml import YAML

pytestmark = pytest.mark.engine

BASES = {"python": f"{REGISTRY}/python:3.13-slim-trixie", "node": f"{REGISTRY}/node:24-trixie-slim"}
FAST_HEALTH = ("--set", "healthcheck.interval=2s", "--set", "healthcheck.start_period=60s")
# The final images' platform, for the lock files' environment markers.
PLATFORM = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
            "platform_machine": "x86_64", "implementation_name": "cpython",
            "platform_python_implementation": "CPython"}
SEED = {"pip", "setuptools", "wheel"}  # what `python3 -m venv` puts in a virtualenv


@dataclass(frozen=True)
class Example:
    runtime: str
    port: int | None
    secrets: tuple[str, ...] = ()


CASES = {
    "django-uploads": Example("python", 8000, ("django_secret_key",)),
    "fastapi-poetry": Example("python", 8000),
    "spool-worker": Example("python", None, ("db_password",)),
    "express-pnpm": Example("node", 80),
    "express-yarn": Example("node", 8080),
    "koa-yarn-berry": Example("node", 3000),
    "ts-api": Example("node", 8080),
}


@pytest.fixture(scope="module")
def builds_profile(engine, tmp_path_factory) -> Path:
    """The default profile with the local registry's Python 3.13 and Node images."""
    digests = {}
    for runtime, ref in BASES.items():
        try:
            digests[runtime] = engine.images.get_registry_data(ref).id
        except Exception as exc:
            digests[runtime] = None
            problem = f"base image {ref} not in the registry: {exc}"
        if digests[runtime] is None:
            unavailable(problem)
    lines = ["name: builds-engine", "extends: default", f"allowed_registries: ['{REGISTRY}']",
             "images:"]
    for runtime, ref in BASES.items():
        lines.append(f"  {runtime}-image: {{ref: '{ref}', digest: '{digests[runtime]}', "
                     "pinned: '2026-12-01', shell: true, packages: apt}")
    # The npm registry reachable from these builds is a mirror that serves no signatures.
    lines += ["build_tools:", "  corepack: {version: 0.36.0, signatures: false}"]
    lines += ["runtimes:", "  python:", "    '3.13': {build: python-image, run: python-image}",
              "  node:", "    '24': {build: node-image, run: node-image}"]
    path = tmp_path_factory.mktemp("builds-profile") / "profile.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Built:
    name: str
    service: Path
    image: object
    case: Example


@pytest.fixture(scope="module", params=sorted(CASES))
def built(request, engine, builds_profile, tmp_path_factory) -> Built:
    """Each example rendered and built once for this module."""
    name = request.param
    service = tmp_path_factory.mktemp("builds") / name
    shutil.copytree(EXAMPLES / name, service)
    result = run_cli("render", "--profile", str(builds_profile), "--force", *FAST_HEALTH,
                     cwd=service)
    assert result.code == 0, result.err
    image = build_image(engine, service, f"tightship-test/builds-{name}:generated")
    return Built(name, service, image, CASES[name])


def writable(service: Path) -> list[str]:
    answers = YAML(typ="safe").load((service / "tightship.yaml").read_text())
    return list(answers.get("writable", []))


def hardened(built: Built, tmp_path: Path, **extra) -> dict:
    """What compose.yaml asks of the container: read-only root, no capabilities, tmpfs for
    the writable paths, secrets as files under /run/secrets, ports on 127.0.0.1 only."""
    volumes = dict(extra.pop("volumes", {}))
    for secret in built.case.secrets:
        path = tmp_path / secret
        path.write_text("s3cr3t-" + "x" * 48)
        path.chmod(0o644)
        volumes[str(path)] = {"bind": f"/run/secrets/{secret}", "mode": "ro"}
    mounted = {bind["bind"] for bind in volumes.values()}
    options = {"read_only": True, "cap_drop": ["ALL"], "security_opt": ["no-new-privileges"],
               "tmpfs": {p: "mode=1777" for p in writable(built.service) if p not in mounted},
               "volumes": volumes, "name": f"builds-{built.name}-{int(time.time())}"}
    if built.case.port:
        options.update(network_mode="bridge",
                       ports={f"{built.case.port}/tcp": ("127.0.0.1", None)})
    return {**options, **extra}


def request(base: str, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def exercise(name: str, base: str) -> None:
    """One real request per service, beyond its health path."""
    if name == "django-uploads":
        status, page = request(base, "GET", "/")
        assert status == 200
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


def test_the_service_answers_from_the_host_or_does_its_job(engine, built, tmp_path):
    if built.case.port is None:  # the worker: a job in, a result out
        spool = tmp_path / "spool"
        spool.mkdir()
        spool.chmod(0o777)
        options = hardened(built, tmp_path,
                           volumes={str(spool): {"bind": "/var/spool/worker", "mode": "rw"}})
        with run_container(engine, built.image.id, **options) as container:
            assert wait_healthy(container, timeout=180) == "healthy"
            (spool / "job.json.tmp").write_text('{"id": "job-7", "op": "sum", '
                                                '"values": [1, 2, 3.5]}')
            (spool / "job.json.tmp").rename(spool / "job.json")
            result = spool / "results" / "job-7.json"
            deadline = time.monotonic() + 60
            while not result.exists() and time.monotonic() < deadline:
                time.sleep(0.5)
            assert json.loads(result.read_text())["result"] == 6.5
        return
    with run_container(engine, built.image.id, **hardened(built, tmp_path)) as container:
        assert wait_healthy(container, timeout=180) == "healthy"
        container.reload()
        host_port = container.ports[f"{built.case.port}/tcp"][0]["HostPort"]
        base = f"http://127.0.0.1:{host_port}"
        assert request(base, "GET", "/healthz")[0] == 200
        exercise(built.name, base)


# --- what the lock files say -----------------------------------------------------------------

def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def applies(marker: str | None) -> bool:
    env = {**PLATFORM, "python_version": "3.13", "python_full_version": "3.13.5"}
    return marker is None or Marker(marker).evaluate(env)


def uv_locked(lock: dict) -> set[tuple[str, str]]:
    """The packages uv sync --no-dev installs: what the project's dependencies reach."""
    packages = {p["name"]: p for p in lock["package"]}
    root = next(p for p in lock["package"] if "virtual" in p.get("source", {})
                or "editable" in p.get("source", {}))
    wanted, todo = set(), [d for d in root.get("dependencies", []) if applies(d.get("marker"))]
    while todo:
        dep = todo.pop()
        if dep["name"] in wanted:
            continue
        wanted.add(dep["name"])
        todo += [d for d in packages[dep["name"]].get("dependencies", [])
                 if applies(d.get("marker"))]
    return {(normal(n), packages[n]["version"]) for n in wanted}


def poetry_locked(lock: dict) -> set[tuple[str, str]]:
    found = set()
    for p in lock["package"]:
        marker = p.get("markers")
        marker = marker.get("main") if isinstance(marker, dict) else marker
        if "main" in p.get("groups", ["main"]) and applies(marker):
            found.add((normal(p["name"]), p["version"]))
    return found


def requirements_locked(text: str) -> set[tuple[str, str]]:
    found = set()
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$",
                         line)
        if match and applies(match.group(3)):
            found.add((normal(match.group(1)), match.group(2)))
    return found


def npm_locked(lock: dict) -> set[tuple[str, str]]:
    return {(key.rsplit("node_modules/", 1)[1], entry["version"])
            for key, entry in lock["packages"].items()
            if key and not entry.get("dev") and not entry.get("link")}


def yarn_classic_locked(text: str) -> set[tuple[str, str]]:
    found, name = set(), None
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            first = line.rstrip(":").split(",")[0].strip().strip('"')
            name = first.rsplit("@", 1)[0]
        elif line.strip().startswith("version ") and name:
            found.add((name, line.split('"')[1]))
    return found


def yarn_berry_locked(lock: dict) -> set[tuple[str, str]]:
    return {(entry["resolution"].rsplit("@npm:", 1)[0], str(entry["version"]))
            for key, entry in lock.items()
            if key != "__metadata" and "@workspace:" not in entry["resolution"]}


def pnpm_locked(lock: dict) -> set[tuple[str, str]]:
    return {tuple(key.split("(", 1)[0].rsplit("@", 1)) for key in lock.get("packages", {})}


def locked(service: Path) -> set[tuple[str, str]]:
    if (service / "uv.lock").exists():
        return uv_locked(tomllib.loads((service / "uv.lock").read_text()))
    if (service / "poetry.lock").exists():
        return poetry_locked(tomllib.loads((service / "poetry.lock").read_text()))
    if (service / "requirements.txt").exists():
        return requirements_locked((service / "requirements.txt").read_text())
    if (service / "package-lock.json").exists():
        return npm_locked(json.loads((service / "package-lock.json").read_text()))
    if (service / "pnpm-lock.yaml").exists():
        return pnpm_locked(YAML(typ="safe").load((service / "pnpm-lock.yaml").read_text()))
    text = (service / "yarn.lock").read_text()
    if "__metadata:" in text:
        return yarn_berry_locked(YAML(typ="safe").load(text))
    return yarn_classic_locked(text)


PYTHON_INSTALLED = ("import importlib.metadata as m, json; print(json.dumps(sorted("
                    "[d.metadata['Name'], d.version] for d in m.distributions())))")
NODE_INSTALLED = r"""
const fs = require('fs'), path = require('path'), found = new Set();
function walk(dir) {
  let entries; try { entries = fs.readdirSync(dir, {withFileTypes: true}); } catch { return; }
  for (const e of entries) {
    if (!e.isDirectory() || e.isSymbolicLink()) continue;
    const full = path.join(dir, e.name);
    if (/\/node_modules\/(@[^/]+\/)?[^/.@][^/]*$/.test(full)) {
      try {
        const p = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'));
        if (p.name && p.version && full.endsWith('/' + p.name)) found.add(p.name + '@' + p.version);
      } catch {}
    }
    walk(full);
  }
}
walk('/app/node_modules');
console.log(JSON.stringify([...found].sort()));
"""


def installed(engine, built: Built) -> set[tuple[str, str]]:
    if built.case.runtime == "python":
        argv = ["python3", "-c", PYTHON_INSTALLED]
    else:
        argv = ["node", "-e", NODE_INSTALLED]
    out = engine.containers.run(built.image.id, argv, remove=True, network_mode="none",
                                read_only=True, cap_drop=["ALL"]).decode()
    items = json.loads(out)
    if built.case.runtime == "python":
        return {(normal(n), v) for n, v in items if normal(n) not in SEED}
    return {tuple(i.rsplit("@", 1)) for i in items}


def test_installed_versions_are_exactly_the_locked_ones(engine, built):
    expected = locked(built.service)
    assert expected  # the parser read the lock file
    assert installed(engine, built) == expected


def test_no_installer_or_build_tree_reaches_the_final_image(engine, built):
    argv = (["python3", "-c", "import os, sys; sys.exit(any(os.path.exists(p) for p in "
             "('/opt/build-tools', '/opt/venv/bin/uv', '/app/uv.lock', '/app/poetry.lock',"
             " '/tmp/poetry-requirements.txt')))"]
            if built.case.runtime == "python" else
            ["node", "-e", "const fs = require('fs'); process.exit(['/app/src/server.ts', "
             "'/app/pnpm-lock.yaml', '/app/yarn.lock', '/app/package-lock.json', "
             "'/app/node_modules/typescript', '/app/.yarnrc.yml'].some(fs.existsSync) ? 1 : 0)"])
    engine.containers.run(built.image.id, argv, remove=True, network_mode="none")
