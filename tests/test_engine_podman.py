"""On the engine, under Podman: the run the Quadlet unit names holds the same kernel properties
as `verify` reads under Docker.

Podman here is Debian's 4.3.1, whose Quadlet generator is missing (it needs 4.4 or later), so
the unit is not handed to systemd: the test reads the unit file and turns each [Container]
setting into the `podman run` option Quadlet would pass (tests/quadlet_support.py), builds the
image with the generated Dockerfile on the Docker engine, loads it into Podman, runs it, and
reads /proc/PID/status and mountinfo of the container's process from the host.
test_engine_quadlet_generator.py checks these flags against Podman 5's real generator.
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import engine_support
import pytest
from cli_support import copy_example, run_cli
from quadlet_support import one, parse_unit, podman_run_flags

pytestmark = pytest.mark.engine

BRANCH = "platform"


def podman() -> str:
    found = shutil.which("podman")
    if not found:
        engine_support.unavailable("podman is not installed (apt-get install podman)")
    return found


def run(*args: str, timeout: int = 300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([podman(), *args], capture_output=True, text=True, timeout=timeout,
                          **kwargs)


def host_rlimits() -> list[str]:
    """Podman 4.3 as root asks runc for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304,
    above the hard limits of a root without CAP_SYS_RESOURCE (a container, as on these
    machines), and runc then fails ("error setting rlimit type 7/6"). The limits this
    process already holds are granted, so they are passed on instead."""
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 4096)
    return [f"--ulimit=nofile={nofile}:{nofile}", f"--ulimit=nproc={nproc}:{nproc}"]


@contextlib.contextmanager
def podman_image(engine, folder: Path, tag: str):
    """Built on the Docker engine from the generated Dockerfile, then loaded into Podman."""
    image = engine_support.build_image(engine, folder, tag)
    archive = folder.parent / "image.tar"
    with archive.open("wb") as out:
        for chunk in image.save(named=True):
            out.write(chunk)
    loaded = run("load", "-i", str(archive), timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    # the name podman gave it (it adds a registry host: localhost/ or docker.io/)
    name = loaded.stdout.strip().splitlines()[-1].split(": ", 1)[1].split(",")[0]
    try:
        yield name
    finally:
        run("rmi", "-f", name)


def wait_healthy(name: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        check = run("healthcheck", "run", name, timeout=60)
        if check.returncode == 0:
            return
        state = run("inspect", "--format", "{{.State.Status}}", name).stdout.strip()
        assert state == "running", run("logs", name).stderr[-2000:]
        assert time.monotonic() < deadline, check.stdout + check.stderr
        time.sleep(2)


def test_the_units_settings_hold_under_podman(engine, engine_profile, tmp_path):
    podman()
    folder = copy_example("python", tmp_path)
    suffix = uuid.uuid4().hex[:8]
    repository = f"{engine_support.TEST_TAG_PREFIX}{BRANCH}-podman-{suffix}"
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(engine_profile), "--set", f"run.image.repository={repository}")
    assert result.code == 0, result.err
    unit = parse_unit((folder / "quadlet" / "hello-python.container").read_text())

    home = tmp_path / "home"  # where the unit's %h/.config/containers/tightship/ lives
    seccomp_path = home / ".config" / "containers" / "tightship" / "hello-python.json"
    seccomp_path.parent.mkdir(parents=True)
    shutil.copy(folder / "seccomp.json", seccomp_path)
    flags = podman_run_flags(unit, home)
    assert f"--security-opt=seccomp={seccomp_path}" in flags

    name = f"{BRANCH}-podman-{suffix}"
    secrets = [v.split(",")[0] for k, v in unit["Container"] if k == "Secret"]
    with contextlib.ExitStack() as cleanup:
        for secret in secrets:
            made = run("secret", "create", f"{secret}", "-", input="not-a-real-secret\n")
            assert made.returncode == 0, made.stderr
            cleanup.callback(run, "secret", "rm", secret)
        image = cleanup.enter_context(podman_image(engine, folder, one(unit, "Image")))
        cleanup.callback(run, "rm", "-f", "-v", name)
        # the unit's own network is a Podman network with egress; this test needs none
        started = run("run", "-d", "--name", name, "--network=none", *host_rlimits(), *flags,
                      image)
        assert started.returncode == 0, started.stderr
        wait_healthy(name)

        pid = int(run("inspect", "--format", "{{.State.Pid}}", name).stdout)
        status = dict(line.split(":\t", 1) for line in
                      Path(f"/proc/{pid}/status").read_text().splitlines() if ":\t" in line)
        uid, gid = one(unit, "User"), one(unit, "Group")
        assert status["Uid"].split() == [uid] * 4 and status["Gid"].split() == [gid] * 4
        assert int(status["CapEff"], 16) == 0 and int(status["CapPrm"], 16) == 0  # R02
        assert status["NoNewPrivs"].strip() == "1"  # R03
        assert status["Seccomp"].strip() == "2"  # R04: a filter is in force
        mounts = {}
        for line in Path(f"/proc/{pid}/mountinfo").read_text().splitlines():
            fields = line.split()
            sep = fields.index("-")
            mounts[fields[4]] = (fields[sep + 1], set(fields[5].split(",")) |
                                 set(fields[sep + 3].split(",")))
        assert "ro" in mounts["/"][1]  # R06
        fstype, options = mounts["/tmp"]
        assert fstype == "tmpfs" and {"rw", "noexec", "nosuid", "nodev"} <= options
        for secret in secrets:
            assert f"/run/secrets/{secret}" in mounts

        # the seccomp filter is the generated one: a syscall it leaves out fails with EPERM
        denied = run("exec", name, "python3", "-c",
                     "import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); "
                     "r = libc.unshare(0x20000); print(r, ctypes.get_errno())")
        assert denied.stdout.split() == ["-1", "1"], denied.stdout + denied.stderr
        limits = run("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} "
                     "{{.HostConfig.ReadonlyRootfs}}", name).stdout.split()
        assert limits == [str(256 * 1024 ** 2), "128", "true"]
