"""The generated Dockerfiles build and run on a real engine: non-root, healthy, traceable."""

from __future__ import annotations

import io
import tarfile

import pytest
from cli_support import copy_example, run_cli
from docker.errors import NotFound
from engine_support import GOLANG_IMAGE, build_image, proc_status, run_container, wait_healthy

pytestmark = pytest.mark.engine

# example → the UID:GID its final image must run as (10001 created; 65532 shipped by distroless)
EXPECTED_USER = {
    "python": "10001:10001",
    "node": "10001:10001",
    "go": "65532:65532",
    "generic": "10001:10001",
}
FAST_HEALTH = ("--set", "healthcheck.interval=2s", "--set", "healthcheck.start_period=30s")


def render_for_engine(tmp_path, name: str, engine_profile, *sets: str) -> object:
    service = copy_example(name, tmp_path)
    result = run_cli("render", "--profile", str(engine_profile), "--force", *FAST_HEALTH,
                     *sets, cwd=service)
    assert result.code == 0, result.err
    return service


@pytest.mark.parametrize("name", sorted(EXPECTED_USER))
def test_example_builds_runs_non_root_and_becomes_healthy(tmp_path, engine, engine_profile,
                                                           registry_images, name):
    service = render_for_engine(tmp_path, name, engine_profile)
    image = build_image(engine, service, f"tightship-test/{name}:dockerfile")

    config = image.attrs["Config"]
    assert config["User"] == EXPECTED_USER[name]  # B03: numeric, non-root
    labels = config["Labels"]
    base = labels["org.opencontainers.image.base.name"]
    assert labels["org.opencontainers.image.base.digest"] == registry_images[base]  # B13
    assert labels["org.opencontainers.image.title"] == f"hello-{name}"
    assert list(config["ExposedPorts"]) == ["8080/tcp"]  # B11

    with run_container(engine, image.id) as container:
        assert wait_healthy(container, timeout=120) == "healthy"  # B07
        status = proc_status(container)
        uid, gid = EXPECTED_USER[name].split(":")
        assert status["Uid"].split()[0] == uid and status["Gid"].split()[0] == gid


def test_final_image_holds_no_build_tools_or_sources(tmp_path, engine, engine_profile):
    """B06/B10: the go image is the distroless base plus one binary: no go, no .go files."""
    service = render_for_engine(tmp_path, "go", engine_profile)
    image = build_image(engine, service, "tightship-test/go:contents")
    container = engine.containers.create(image.id)
    try:
        for absent in ("/usr/local/go", "/usr/lib/go", "/src", "/app/main.go", "/bin/sh"):
            with pytest.raises(NotFound):
                container.get_archive(absent)
        stream, stat = container.get_archive("/app")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            names = {member.name for member in tar.getmembers()}
        assert names == {"app", "app/hello-go"}
    finally:
        container.remove(force=True)


def test_context_keeps_secrets_and_vcs_data_out(tmp_path, engine, engine_profile):
    """B09: .env, keys and .git in the service folder never reach the image."""
    service = render_for_engine(tmp_path, "python", engine_profile)
    (service / ".env").write_text("API_TOKEN=hunter2\n")
    (service / "app" / ".env").write_text("API_TOKEN=hunter2\n")
    (service / "app" / "deploy.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    (service / ".git").mkdir()
    (service / ".git" / "config").write_text("[core]\n")
    image = build_image(engine, service, "tightship-test/python:context")
    container = engine.containers.create(image.id)
    try:
        for absent in ("/app/.env", "/app/app/.env", "/app/app/deploy.pem", "/app/.git",
                       "/app/requirements.txt"):
            with pytest.raises(NotFound):
                container.get_archive(absent)
        container.get_archive("/app/app/__main__.py")  # what runs is there
    finally:
        container.remove(force=True)


def test_static_binary_runs_on_the_shell_less_image(tmp_path, engine, engine_profile,
                                                    registry_images):
    """The static runtime: a binary built beforehand (here with the registry's Go image,
    offline) is the only thing added to the distroless base, and it runs healthy as 65532."""
    service = render_for_engine(tmp_path, "static", engine_profile)
    golang = GOLANG_IMAGE
    engine.containers.run(
        golang, ["go", "build", "-trimpath", "-o", "bin/hello-static", "."],
        working_dir="/src", volumes={str(service): {"bind": "/src", "mode": "rw"}},
        environment={"CGO_ENABLED": "0", "HOME": "/tmp"},  # the image's GOCACHE
        network_mode="none", remove=True)
    assert (service / "bin" / "hello-static").is_file()
    image = build_image(engine, service, "tightship-test/static:dockerfile")
    assert image.attrs["Config"]["User"] == "65532:65532"
    with run_container(engine, image.id) as container:
        assert wait_healthy(container, timeout=120) == "healthy"
        assert proc_status(container)["Uid"].split()[0] == "65532"
    container = engine.containers.create(image.id)
    try:
        stream, _ = container.get_archive("/app")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            assert {m.name for m in tar.getmembers()} == {"app", "app/hello-static"}
    finally:
        container.remove(force=True)


def _os_version(engine, image) -> str:
    """VERSION_ID of the image's Debian (/etc/os-release links to /usr/lib/os-release)."""
    container = engine.containers.create(image.id)
    try:
        stream, _ = container.get_archive("/usr/lib/os-release")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            text = tar.extractfile(tar.getmembers()[0]).read().decode()
    finally:
        container.remove(force=True)
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    return fields["VERSION_ID"].strip('"')


@pytest.mark.parametrize("version,debian", [(None, "13"), ("3.12-bookworm", "12")],
                         ids=["default-trixie", "bookworm-choice"])
def test_python_runs_on_trixie_by_default_and_on_bookworm_when_asked(
        tmp_path, engine, engine_profile, registry_images, version, debian):
    sets = ("--set", f"version={version}") if version else ()
    service = render_for_engine(tmp_path, "python", engine_profile, *sets)
    image = build_image(engine, service, f"tightship-test/python:debian{debian}")
    assert _os_version(engine, image) == debian
    with run_container(engine, image.id) as container:
        assert wait_healthy(container, timeout=120) == "healthy"
