"""On a real engine: what the services need at start-up, and what they get without it.

The worker refuses to start without its database password (so the proof that it runs with one,
in test_engine_examples, means something); a port below 1024 binds through the generated
sysctl, where with the kernel's default (as containerd and CRI-O nodes keep it) it does not.
"""

from __future__ import annotations

from pathlib import Path

import engine_support
import pytest
from cli_support import copy_example, run_cli
from ruamel.yaml import YAML

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


def repository(name: str) -> str:
    return f"run.image.repository={engine_support.TEST_TAG_PREFIX}services-{name}"


def test_worker_without_its_secret_does_not_start(engine, example):
    """The job test (test_engine_examples) needs the secret: without a value the worker
    refuses to start."""
    built = example("spool-worker")
    settings, _ = run_settings((built.folder / "compose.yaml").read_text(), "spool-worker",
                               (built.folder / "seccomp.json").read_text(), False)
    with engine_support.run_container(engine, built.image.id, **settings) as container:
        assert container.wait(timeout=60)["StatusCode"] == 2
        assert "cannot read the database password" in container.logs().decode()


# --- a port below 1024: the sysctl, not a capability ----------------------------------------------

LOW_PORT = ("ports=[80]", "command=[busybox, httpd, -f, -p, '80', -h, /app/www]",
            "healthcheck.command=[busybox, wget, -q, -O, /dev/null, 'http://127.0.0.1:80/healthz']")


def test_port_80_binds_through_the_generated_sysctl_only(engine, engine_profile, tmp_path):
    folder = copy_example("generic", tmp_path)
    svc = render_into(folder, engine_profile, *LOW_PORT, repository("generic-80"))
    assert svc["sysctls"] == {PORT_START: "80"} and "cap_add" not in svc
    engine_support.build_image(engine, folder, svc["image"])
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
