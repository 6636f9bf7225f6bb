"""Shared fixtures. Engine fixtures fail under CI=true when the engine is missing, else skip."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

import engine_support
import fuzz_budget

# The tests' cached syscall groups stay out of the user's own cache folder.
os.environ.setdefault("TIGHTSHIP_CACHE_DIR", tempfile.mkdtemp(prefix="tightship-cache-"))

# Under CI and in `make test-fast` the property tests replay the same examples every run, so a
# gate never flips on chance; elsewhere each run explores new ones. How many: fuzz_budget.py.
settings.register_profile("fixed", derandomize=True)
if engine_support.in_ci() or fuzz_budget.fast_sample():
    settings.load_profile("fixed")


def _parse_kubernetes_schemas_once() -> None:
    """kubernetes-validate reads and parses its JSON schema files (the definitions file alone is
    megabytes) on every call; they do not change during a run, so each worker parses each once.
    Validation itself is untouched."""
    import kubernetes_validate.utils

    kubernetes_validate.utils.schema_contents = functools.cache(
        kubernetes_validate.utils.schema_contents)


_parse_kubernetes_schemas_once()


@pytest.fixture(scope="session")
def engine():
    """A pinged docker.DockerClient; images built with build_image are removed afterwards."""
    client = engine_support.connect_engine()
    yield client
    engine_support.remove_built_images(client)
    client.close()


@pytest.fixture(scope="session")
def registry_images(engine) -> dict[str, str]:
    """Each base image in the local registry -> its registry digest (sha256:...)."""
    return engine_support.registry_digests(engine)


@pytest.fixture(scope="session")
def engine_profile(tmp_path_factory, registry_images) -> Path:
    """Path of a profile that allows only the local registry's images, pinned by digest."""
    path = tmp_path_factory.mktemp("profile") / "engine-test.yaml"
    path.write_text(engine_support.engine_profile_yaml(registry_images))
    return path


@pytest.fixture(scope="session")
def example(engine, engine_profile, tmp_path_factory):
    """`example(NAME)`: the example rendered and built once per session (example_builds)."""
    from example_builds import built_example

    scratch = tmp_path_factory.mktemp("examples")
    # under xdist each worker's base folder sits in one folder of the run, shared by them all
    shared = tmp_path_factory.getbasetemp()
    locks = shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared
    return lambda name: built_example(engine, engine_profile, scratch, locks, name)
