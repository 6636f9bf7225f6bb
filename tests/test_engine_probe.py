"""On a real engine: verify's probes give the proofs in every kind of image, as the service's
UID under its generated seccomp profile: the host's static busybox (a distroless image with no
shell), python3, and a plain /bin/sh (Debian with util-linux, no python)."""

from __future__ import annotations

from pathlib import Path

import engine_support
import pytest
from cli_support import EXAMPLES
from ruamel.yaml import YAML

from generator.engine import probe as probes
from generator.engine.verify import run_settings
from generator.render.pipeline import render_service

pytestmark = pytest.mark.engine

# probe kind -> (example whose seccomp profile and run settings apply, image, idle command)
CASES = {
    "busybox": ("go", engine_support.DISTROLESS_IMAGE, None),
    "python3": ("python", engine_support.PYTHON_IMAGE,
                ["python3", "-c", "import time; time.sleep(120)"]),
    "sh": ("generic", engine_support.DEBIAN_IMAGE, ["sleep", "120"]),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_probe_writes_each_path_and_is_refused_unshare(engine, engine_profile, registry_images,
                                                       kind):
    example, image, idle = CASES[kind]
    files = render_service(EXAMPLES / example / "tightship.yaml", str(engine_profile), [])
    service = next(iter(YAML(typ="safe").load(files["compose.yaml"])["services"]))
    settings, _ = run_settings(files["compose.yaml"], service, files["seccomp.json"], False)
    settings.pop("healthcheck")
    if kind == "busybox":
        busybox = probes.static_busybox()
        if busybox is None:
            engine_support.unavailable("no static busybox on the host (apt-get install "
                                       "busybox-static)")
        probe = probes.Probe("busybox", {str(busybox): {"bind": probes.MOUNT_POINT,
                                                        "mode": "ro"}})
        idle = [probes.MOUNT_POINT, "sleep", "120"]
    else:
        probe = probes.Probe(kind, {})
    with engine_support.run_container(engine, image, command=idle, volumes=probe.mounts,
                                      **settings) as container:
        for path in settings["tmpfs"]:
            code, out = container.exec_run(probe.write(path), user=settings["user"])
            assert code == 0, out
        code, out = container.exec_run(probe.unshare(), user=settings["user"])
        assert code == 0, out  # unshare(CLONE_NEWUSER) refused with EPERM
        # and the proof can fail: a path nobody may write is refused
        code, _ = container.exec_run(probe.write("/"), user=settings["user"])
        assert code != 0


def test_a_dynamic_binary_is_not_taken_for_a_static_probe():
    import sys

    assert not probes._is_static_elf(Path(sys.executable).resolve().read_bytes()[:4096])
    assert not probes._is_static_elf(b"#!/bin/sh\n")
    found = probes.static_busybox()
    if found is not None:
        assert probes._is_static_elf(found.read_bytes()[:4096])
