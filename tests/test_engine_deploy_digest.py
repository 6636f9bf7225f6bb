"""On the engine: after a real push to the local registry, `deploy-digest` points compose at
the pushed digest (compose.digest.yaml over compose.yaml), and neither `render --check` nor
`check` takes the override for drift or for a service of its own."""

from __future__ import annotations

import subprocess
import uuid

import engine_support
import pytest
from cli_support import copy_example, run_cli
from registry_support import REGISTRY, delete_repository, manifest_digest
from ruamel.yaml import YAML
from test_engine_compose import compose_command

pytestmark = pytest.mark.engine


def test_compose_runs_the_pushed_digest(engine, example, tmp_path):
    built = example("python")
    repository = f"{engine_support.TEST_TAG_PREFIX}supply-deploy-{uuid.uuid4().hex[:8]}/hello"
    pushed = f"{REGISTRY}/{repository}:1"
    built.image.tag(pushed)
    try:
        for line in engine.images.push(pushed, stream=True, decode=True):
            assert "error" not in line, line
        digest = manifest_digest(repository, "1")

        folder = copy_example("python", tmp_path)
        assert run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                       str(built.profile)).code == 0
        result = run_cli("deploy-digest", "--answers", str(folder / "tightship.yaml"),
                         "--profile", str(built.profile), "--image", pushed, "--digest", digest)
        assert result.code == 0, result.err
        assert (folder / "compose.digest.yaml").is_file()

        merged = subprocess.run(
            [*compose_command(), "-f", "compose.yaml", "-f", "compose.digest.yaml", "config"],
            cwd=folder, capture_output=True, text=True, timeout=120)
        assert merged.returncode == 0, merged.stderr
        (service,) = YAML(typ="safe").load(merged.stdout)["services"].values()
        assert service["image"] == f"{REGISTRY}/{repository}@{digest}"
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]  # kept
        # the digest compose names is the one the registry serves
        assert engine.images.get_registry_data(service["image"]).id == digest

        check = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                        str(built.profile), "--check")
        assert check.code == 0, check.out + check.err  # the override is not drift
        lint = run_cli("check", "--profile", str(built.profile), str(folder))
        assert lint.code == 0 and "compose.digest.yaml" not in lint.out, lint.out
    finally:
        engine.images.remove(pushed, noprune=True)  # the tag only: the build stays
        delete_repository(repository)
