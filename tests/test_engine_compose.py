"""On a real engine: the generated compose.yaml brings the service up hardened.

For the python and go examples (rendered with the engine profile, whose base images are the
local registry's, pinned by digest): build the image from the generated Dockerfile, bring the
generated compose.yaml up with docker-compose, wait for the image's own health check, then read
what the kernel says about the running process from the host's /proc (the container's
State.Pid): non-root UID, no capabilities, no_new_privs, seccomp in filter mode, a read-only
root mount and noexec tmpfs for the writable paths. Everything is brought down afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import engine_support
import pytest
from cli_support import copy_example, run_cli
from ruamel.yaml import YAML

# one xdist worker runs the whole module: its module fixtures build under fixed names
pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine-compose")]

EXAMPLES = {"python": "hello-python", "go": "hello-go"}


def compose_command() -> list[str]:
    found = shutil.which("docker-compose")
    if not found:
        engine_support.unavailable("docker-compose is not installed (apt-get install "
                                   "docker-compose)")
    return [found]


def host_has_apparmor(engine) -> bool:
    return any("apparmor" in opt for opt in engine.info().get("SecurityOptions") or [])


@pytest.fixture(scope="module")
def compose_profile(engine_profile) -> Path:
    """The engine profile as it is: the first `compose up` works with or without AppArmor."""
    return engine_profile


@contextlib.contextmanager
def apparmor_loaded(engine, folder: Path):
    """Load the generated AppArmor profiles the compose file names, and unload them after."""
    profiles = sorted((folder / "apparmor").glob("*")) if host_has_apparmor(engine) else []
    for profile in profiles:
        subprocess.run(["apparmor_parser", "-r", str(profile)], check=True, timeout=60)
    try:
        yield profiles
    finally:
        for profile in profiles:
            subprocess.run(["apparmor_parser", "-R", str(profile)], timeout=60)


def mounts(host_pid: int) -> dict[str, tuple[str, set[str]]]:
    """Mount point -> (filesystem type, options) as the container's process sees them."""
    found = {}
    for line in Path(f"/proc/{host_pid}/mountinfo").read_text().splitlines():
        fields = line.split()
        sep = fields.index("-")
        point, options = fields[4], set(fields[5].split(","))
        fstype, super_options = fields[sep + 1], set(fields[sep + 3].split(","))
        found[point] = (fstype, options | super_options)
    return found


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_compose_brings_the_service_up_hardened(engine, compose_profile, tmp_path, name):
    compose_command()
    service = EXAMPLES[name]
    folder = copy_example(name, tmp_path)
    suffix = uuid.uuid4().hex[:8]
    repository = f"{engine_support.TEST_TAG_PREFIX}compose-{name}-{suffix}"
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(compose_profile), "--set", f"run.image.repository={repository}")
    assert result.code == 0, result.err
    compose = YAML(typ="safe").load((folder / "compose.yaml").read_text())
    svc = compose["services"][service]
    tag = svc["image"]
    assert tag == f"{repository}:1.0.0"
    if svc.get("secrets"):
        (folder / "secrets").mkdir()
        for secret in svc["secrets"]:
            (folder / "secrets" / secret).write_text("not-a-real-secret\n")

    started = time.monotonic()
    engine_support.build_image(engine, folder, tag)
    built = time.monotonic() - started

    project = f"tstest{suffix}"
    with compose_up(engine, folder, project) as container:
        engine_support.wait_healthy(container, timeout=120)
        healthy = time.monotonic() - started

        uid, gid = (int(x) for x in svc["user"].split(":"))
        status = engine_support.proc_status(container)
        assert status["Uid"].split() == [str(uid)] * 4  # R12: real, effective, saved, fs
        assert status["Gid"].split() == [str(gid)] * 4
        assert uid != 0
        assert int(status["CapEff"], 16) == 0  # R02: no capabilities at all
        assert int(status["CapPrm"], 16) == 0
        assert status["NoNewPrivs"] == "1"  # R03
        assert status["Seccomp"] == "2"  # R04: a seccomp filter is in force

        seen = mounts(container.attrs["State"]["Pid"])
        assert "ro" in seen["/"][1]  # R06: the root filesystem is read-only
        fstype, options = seen["/tmp"]
        assert fstype == "tmpfs" and {"rw", "noexec", "nosuid", "nodev"} <= options
        for secret in svc.get("secrets", []):  # R13: a read-only file, not an env value
            assert "ro" in seen[f"/run/secrets/{secret}"][1]
            assert not any(secret.upper() in e for e in container.attrs["Config"]["Env"])

        host = container.attrs["HostConfig"]
        assert host["Privileged"] is False and host["ReadonlyRootfs"] is True
        assert host["PidsLimit"] == svc["pids_limit"]
        assert host["Memory"] == int(svc["mem_limit"][:-1]) * 1024 ** 2
        assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 5}
        logging = svc["logging"]  # R07: the engine rotates the logs as the file says
        assert host["LogConfig"] == {"Type": logging["driver"], "Config": logging["options"]}
        assert not host["PortBindings"]  # R10: nothing published unless asked
        assert host["NetworkMode"] not in ("host",) and host["PidMode"] != "host"
        (network_name,) = container.attrs["NetworkSettings"]["Networks"]
        network = engine.networks.get(network_name)
        assert network.attrs["Internal"] is True  # R14: no egress declared: no route out
        print(f"\n{name}: image built in {built:.1f}s, healthy {healthy:.1f}s after start")
    assert not engine.containers.list(
        all=True, filters={"label": f"com.docker.compose.project={project}"})
    assert not engine.networks.list(filters={"label": f"com.docker.compose.project={project}"})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def compose_up(engine, folder: Path, project: str):
    base = [*compose_command(), "--project-directory", str(folder), "-f",
            str(folder / "compose.yaml")]
    env = {**os.environ, "COMPOSE_PROJECT_NAME": project, "COMPOSE_INTERACTIVE_NO_CLI": "1"}
    env.pop("TIGHTSHIP_APPARMOR", None)
    with contextlib.ExitStack() as stack:
        loaded = stack.enter_context(apparmor_loaded(engine, folder))
        if loaded:  # the generated profile where AppArmor exists (README: run it)
            env["TIGHTSHIP_APPARMOR"] = loaded[0].name
        stack.callback(subprocess.run, [*base, "down", "-v", "--remove-orphans"],
                       capture_output=True, text=True, timeout=300, env=env, cwd=folder)
        up = subprocess.run([*base, "up", "-d", "--no-build"], capture_output=True, text=True,
                            timeout=300, env=env, cwd=folder)
        assert up.returncode == 0, up.stderr[-3000:]
        (container,) = engine.containers.list(
            all=True, filters={"label": f"com.docker.compose.project={project}"})
        yield container


def test_published_port_is_bound_to_the_host_address_only(engine, compose_profile, tmp_path):
    """R10: with `run.publish`, the port answers on 127.0.0.1 and nowhere else."""
    folder = copy_example("python", tmp_path)
    suffix = uuid.uuid4().hex[:8]
    repository = f"{engine_support.TEST_TAG_PREFIX}compose-publish-{suffix}"
    host_port = free_port()
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(compose_profile), "--set", f"run.image.repository={repository}",
                     "--set", f"run.publish={{8080: {host_port}}}")
    assert result.code == 0, result.err
    (folder / "secrets").mkdir()
    (folder / "secrets" / "api_token").write_text("not-a-real-secret\n")
    engine_support.build_image(engine, folder, f"{repository}:1.0.0")
    with compose_up(engine, folder, f"tstest{suffix}") as container:
        container.reload()
        bindings = container.attrs["HostConfig"]["PortBindings"]
        assert bindings == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(host_port)}]}
        network = engine.networks.get(next(iter(container.attrs["NetworkSettings"]["Networks"])))
        assert network.attrs["Internal"] is False  # Docker publishes only from routed networks
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{host_port}/healthz",
                                            timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
