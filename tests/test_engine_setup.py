"""The engine test infrastructure itself: engine, registry, base images, helpers."""

from __future__ import annotations

import docker
import pytest
from engine_support import (
    BASE_IMAGES,
    DEBIAN_IMAGE,
    DISTROLESS_IMAGE,
    PROFILE_IMAGES,
    REGISTRY,
    TEST_TAG_PREFIX,
    build_image,
    proc_status,
    run_container,
    wait_healthy,
)

pytestmark = pytest.mark.engine

DEBIAN = DEBIAN_IMAGE
DISTROLESS = DISTROLESS_IMAGE


def test_every_base_image_has_a_registry_digest(registry_images):
    assert set(registry_images) == set(BASE_IMAGES)
    for ref, digest in registry_images.items():
        assert digest.startswith("sha256:") and len(digest) == 71, (ref, digest)


def test_distroless_image_has_no_shell(engine, registry_images):
    image = engine.images.pull(DISTROLESS)
    assert image.attrs["Config"]["User"] == "65532:65532"
    container = engine.containers.create(image, command=["/nonexistent"], network_mode="none")
    try:
        for path in ("/bin/sh", "/bin/bash", "/usr/bin/sh"):
            with pytest.raises(docker.errors.NotFound):
                container.get_archive(path)
        container.get_archive("/etc/passwd")  # the image itself is readable
    finally:
        container.remove(force=True)


def test_container_runs_as_the_user_asked_for_without_network(engine, registry_images):
    engine.images.pull(DEBIAN)
    out = engine.containers.run(DEBIAN, ["id", "-u"], user="12345", network_mode="none",
                                remove=True)
    assert out.decode().strip() == "12345"


def test_proc_status_reads_a_sleeping_container_from_the_host(engine, registry_images):
    engine.images.pull(DEBIAN)
    with run_container(engine, DEBIAN, command=["sleep", "300"], user="12345") as container:
        status = proc_status(container)
        assert status["Seccomp"] == "2"  # the engine's default seccomp profile is enforced
        assert status["Uid"].split()[0] == "12345"
        assert set(status) == {"Uid", "Gid", "CapEff", "CapPrm", "NoNewPrivs", "Seccomp"}


def test_build_run_and_health_helpers(engine, registry_images, tmp_path):
    digest = registry_images[DEBIAN]
    (tmp_path / "Dockerfile").write_text(
        f"FROM {DEBIAN}@{digest}\n"
        "HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD test -e /tmp/ok\n"
        'CMD ["sh", "-c", "touch /tmp/ok; exec sleep 120"]\n')
    image = build_image(engine, tmp_path, f"{TEST_TAG_PREFIX}engine-setup-healthy")
    with run_container(engine, image) as container:
        assert wait_healthy(container, timeout=30) == "healthy"
        name = container.name
    assert not engine.containers.list(all=True, filters={"name": name})  # always removed

    with run_container(engine, image, command=["sleep", "120"]) as container:
        with pytest.raises(AssertionError, match="unhealthy"):
            wait_healthy(container, timeout=30)

    (tmp_path / "Dockerfile").write_text(f"FROM {DEBIAN}@{digest}\nRUN echo no-such-step >&2; false\n")
    with pytest.raises(AssertionError, match="no-such-step"):
        build_image(engine, tmp_path, f"{TEST_TAG_PREFIX}engine-setup-broken")


def test_engine_profile_pins_the_registry_images(engine_profile, registry_images):
    from generator.render.profiles import load_profile

    profile = load_profile(str(engine_profile))
    assert profile.allowed_registries == (REGISTRY,)
    for key, (ref, _) in PROFILE_IMAGES.items():
        assert profile.images[key].digest == registry_images[ref]
    # The tests run on the default profile's defaults (trixie), bookworm second.
    default = load_profile("default")
    for runtime in ("python", "node", "go", "static", "generic"):
        assert profile.versions(runtime)[0] == default.versions(runtime)[0], runtime
    assert profile.versions("python") == ["3.13", "3.12-bookworm"]
    go = profile.runtimes["go"]["1.25"]
    assert go.build.ref.written == f"{REGISTRY}/golang:1.25-trixie"
    assert go.run.ref.written == DISTROLESS and go.run.user.uid == 65532
    assert profile.runtimes["generic"]["bookworm"].run.ref.written.endswith("debian:bookworm-slim")
