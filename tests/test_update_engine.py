"""On a real engine: after `tightship update` merged a new profile into a team's edited files,
the service still builds and comes up healthy under compose, with the edits and the new limit.

The service was last rendered when its profile pinned an older digest of the python image (one
the registry no longer serves); the ops team re-pinned it to the registry's current digest and
lowered the memory limit. The team had added a RUN step, an annotation and an environment entry.
"""

from __future__ import annotations

import json
import uuid

import engine_support
import pytest
from cli_support import copy_example, run_cli
from ruamel.yaml import YAML
from test_engine_compose import compose_command, compose_up, host_has_apparmor

from generator.render.pipeline import load_spec

pytestmark = pytest.mark.engine

OLD_DIGEST = "sha256:" + "0" * 64
RUN_STEP = "RUN echo 'kept across updates' > /app/EDITED\n"


def test_an_updated_service_with_edits_builds_and_runs_healthy(engine, engine_profile,
                                                                registry_images, tmp_path):
    compose_command()
    folder = copy_example("python", tmp_path)
    key = load_spec(folder / "tightship.yaml", str(engine_profile))[0].run_image.key
    ref, fields = engine_support.PROFILE_IMAGES[key]
    apparmor = "" if host_has_apparmor(engine) else "apparmor:\n  compose: false\n"
    last = tmp_path / "ops-last.yaml"
    old_entry = {"ref": ref, "digest": OLD_DIGEST, "pinned": "2026-01-01", **fields}
    last.write_text(f"name: ops-last\nextends: {engine_profile}\n{apparmor}images:\n"
                    f"  {key}: {json.dumps(old_entry)}\n")
    now = tmp_path / "ops-next.yaml"
    now.write_text(f"name: ops-next\nextends: {engine_profile}\n{apparmor}"
                   "limits:\n  default: {memory: 96Mi}\n")

    suffix = uuid.uuid4().hex[:8]
    repository = f"{engine_support.TEST_TAG_PREFIX}update-python-{suffix}"
    sets = ("--set", f"run.image.repository={repository}",
            "--set", "healthcheck.interval=2s", "--set", "healthcheck.start_period=30s")
    assert run_cli("render", "--profile", str(last), *sets, cwd=folder).code == 0

    dockerfile = folder / "Dockerfile"
    final_workdir = dockerfile.read_text().rindex("WORKDIR /app\n") + len("WORKDIR /app\n")
    body = dockerfile.read_text()
    dockerfile.write_text(body[:final_workdir] + RUN_STEP + body[final_workdir:])
    deployment = folder / "k8s" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace(
        "  annotations:\n", "  annotations:\n    team.example.com/owner: payments\n", 1))
    compose_file = folder / "compose.yaml"
    compose_file.write_text(compose_file.read_text().replace(
        "    expose:\n", "    environment:\n      FEATURE_FLAGS: beta\n    expose:\n", 1))

    result = run_cli("update", "--profile", str(now), *sets, cwd=folder)
    assert result.code == 0, result.err + result.out
    text = dockerfile.read_text()
    assert RUN_STEP in text and OLD_DIGEST not in text
    assert f"@{registry_images[ref]} AS final" in text
    assert run_cli("check", "--profile", str(now), ".", cwd=folder).code == 0

    svc = YAML(typ="safe").load(compose_file.read_text())["services"]["hello-python"]
    (folder / "secrets").mkdir()
    (folder / "secrets" / "api_token").write_text("not-a-real-secret\n")
    image = engine_support.build_image(engine, folder, svc["image"])
    labels = image.attrs["Config"]["Labels"]
    assert labels["org.opencontainers.image.base.digest"] == registry_images[ref]

    with compose_up(engine, folder, f"tsupdate{suffix}") as container:
        assert engine_support.wait_healthy(container, timeout=120) == "healthy"
        assert container.attrs["HostConfig"]["Memory"] == 96 * 1024 ** 2
        assert "FEATURE_FLAGS=beta" in container.attrs["Config"]["Env"]
        code, output = container.exec_run(["python3", "-c", "print(open('/app/EDITED').read())"])
        assert (code, output.decode().strip()) == (0, "kept across updates")
        assert engine_support.proc_status(container)["Uid"].split()[0] == "10001"
