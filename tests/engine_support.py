"""Helpers for tests that build and run images on a real Docker engine.

The engine, the registry at 127.0.0.1:5000 and the base images in it are brought up by
`.ci/engine-up.sh` (also run by `make test` as root). Under CI (`CI=true`) a missing engine,
registry or image fails the test; elsewhere it skips it.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REGISTRY = "127.0.0.1:5000"
TEST_TAG_PREFIX = "tightship-test/"

# Default-profile image key -> (stand-in in the local registry, fields the profile states for
# it). The stand-ins carry the tags of the public images and Debian's own packages of the same
# suite (.ci/engine-up.sh), so the engine tests build on what the default profile offers.
_STATIC = {"shell": False, "packages": "none", "user": {"uid": 65532, "gid": 65532}}
_APT = {"shell": True, "packages": "apt"}
PROFILE_IMAGES: dict[str, tuple[str, dict[str, Any]]] = {
    "python-3.13": (f"{REGISTRY}/python:3.13-slim-trixie", _APT),
    "node-24": (f"{REGISTRY}/node:24-trixie-slim", _APT),
    "golang-1.25": (f"{REGISTRY}/golang:1.25-trixie", _APT),
    "distroless-static": (f"{REGISTRY}/distroless/static-debian13:nonroot", _STATIC),
    "debian-trixie": (f"{REGISTRY}/debian:trixie-slim", _APT),
    # Java 21: Debian's JDK, Maven and its packaged plugins; Debian's JRE.
    "maven-3.9-temurin-21": (f"{REGISTRY}/maven:3.9-eclipse-temurin-21", _APT),
    "temurin-21-jre": (f"{REGISTRY}/eclipse-temurin:21-jre", _APT),
    # The `-bookworm` versions, on older Debian packages.
    "python-3.12-bookworm": (f"{REGISTRY}/python:3.11-slim-bookworm", _APT),
    "node-22-bookworm": (f"{REGISTRY}/node:18-bookworm-slim", _APT),
    "golang-1.24-bookworm": (f"{REGISTRY}/golang:1.19-bookworm", _APT),
    "distroless-static-bookworm": (f"{REGISTRY}/distroless/static-debian12:nonroot", _STATIC),
    "debian-bookworm": (f"{REGISTRY}/debian:bookworm-slim", _APT),
}
BASE_IMAGES: tuple[str, ...] = tuple(ref for ref, _ in PROFILE_IMAGES.values())

# The local images the tests name directly: the default profile's choice for each role.
PYTHON_IMAGE = PROFILE_IMAGES["python-3.13"][0]
GOLANG_IMAGE = PROFILE_IMAGES["golang-1.25"][0]
DISTROLESS_IMAGE = PROFILE_IMAGES["distroless-static"][0]
DEBIAN_IMAGE = PROFILE_IMAGES["debian-trixie"][0]


def engine_runtimes() -> dict[str, dict[str, dict[str, str]]]:
    """The default profile's runtime versions whose images all have a local stand-in, in order.

    So the engine profile's first version of each runtime is the default profile's first one.
    """
    from generator.render.profiles import load_profile

    offered: dict[str, dict[str, dict[str, str]]] = {}
    for runtime, versions in load_profile("default").runtimes.items():
        for version, images in versions.items():
            roles = {role: image.key for role, image in
                     (("build", images.build), ("run", images.run)) if image is not None}
            if all(key in PROFILE_IMAGES for key in roles.values()):
                offered.setdefault(runtime, {})[version] = roles
    return offered


PROC_STATUS_FIELDS = ("Uid", "Gid", "CapEff", "CapPrm", "NoNewPrivs", "Seccomp")

# Tags built by build_image in this test session, removed when the session ends.
BUILT_TAGS: set[str] = set()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere: the engine tests must run in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping; "
                    "run `bash .ci/engine-up.sh` as root to bring the engine up)", pytrace=False)
    pytest.skip(f"{reason}; run `bash .ci/engine-up.sh` as root to bring the engine up")


def connect_engine(timeout: int = 120):
    """A pinged `docker.DockerClient`, or `unavailable()`."""
    try:
        import docker
    except ImportError:
        docker = None
    if docker is None:
        unavailable("the Docker SDK (`pip install docker`) is not installed")
    problem = None
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except Exception as exc:
        problem = f"no Docker engine reachable: {exc}"
    if problem:  # reported outside the except block, so no chained traceback
        unavailable(problem)
    return client


def registry_digests(client) -> dict[str, str]:
    """Each base image reference -> the digest the registry reports (`sha256:...`)."""
    digests: dict[str, str] = {}
    for ref in BASE_IMAGES:
        problem = digest = None
        try:
            digest = client.images.get_registry_data(ref).id
        except Exception as exc:
            problem = f"base image {ref} not in the registry at {REGISTRY}: {exc}"
        if problem:
            unavailable(problem)
        if not str(digest).startswith("sha256:"):
            unavailable(f"registry gave no sha256 digest for {ref}: {digest!r}")
        digests[ref] = digest
    return digests


def engine_profile_yaml(images: dict[str, str], *, pinned: str | None = None) -> str:
    """A profile extending `default` that allows only the local registry and its images.

    `images` maps each base image reference (see BASE_IMAGES) to its registry digest.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    pinned = pinned or _dt.date.today().isoformat()
    entries = CommentedMap()
    for key, (ref, fields) in PROFILE_IMAGES.items():
        entry = CommentedMap([("ref", ref), ("digest", images[ref]), ("pinned", pinned)])
        # H03: the local registry's images are copies made for the tests, signed by no one
        entry["signature"] = CommentedMap([("method", "none"),
                                           ("reason", "copied into the local test registry")])
        for name, value in fields.items():
            entry[name] = CommentedMap(value) if isinstance(value, dict) else value
            if isinstance(value, dict):
                entry[name].fa.set_flow_style()
        entry.fa.set_flow_style()
        entries[key] = entry
    runtimes = CommentedMap()
    for runtime, versions in engine_runtimes().items():
        runtimes[runtime] = CommentedMap()
        for version, roles in versions.items():
            runtimes[runtime][version] = CommentedMap(roles)
            runtimes[runtime][version].fa.set_flow_style()
    allowed = CommentedSeq([REGISTRY])
    allowed.fa.set_flow_style()
    doc = CommentedMap([
        ("name", "engine-test"),
        ("extends", "default"),
        ("allowed_registries", allowed),
        ("images", entries),
        ("runtimes", runtimes),
    ])
    yaml = YAML()
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def build_image(client, context_dir: str | os.PathLike, tag: str, **kwargs):
    """Build `context_dir` as `tag`; on failure an AssertionError with the end of the log."""
    import docker

    log: list[str] = []
    try:
        BUILT_TAGS.add(tag)
        image, stream = client.images.build(path=str(context_dir), tag=tag, rm=True,
                                            forcerm=True, pull=False, **kwargs)
        for chunk in stream:
            if "stream" in chunk:
                log.append(chunk["stream"])
        return image
    except docker.errors.BuildError as exc:
        lines = [c.get("stream") or c.get("error") or "" for c in exc.build_log]
        tail = "".join(lines)[-4000:]
        raise AssertionError(f"docker build of {tag} failed: {exc.msg}\n{tail}") from None
    except docker.errors.APIError as exc:
        raise AssertionError(f"docker build of {tag} failed: {exc}") from None


@contextlib.contextmanager
def run_container(client, image, **kwargs) -> Iterator[Any]:
    """Start a detached container (no network unless asked) and always remove it."""
    kwargs.setdefault("network_mode", "none")
    kwargs.setdefault("detach", True)
    container = client.containers.run(image, **kwargs)
    try:
        yield container
    finally:
        with contextlib.suppress(Exception):
            container.remove(force=True, v=True)


def wait_healthy(container, timeout: float = 90) -> str:
    """Poll the container's health check until healthy; AssertionError if unhealthy or slow."""
    deadline = time.monotonic() + timeout
    status = None
    while True:
        container.reload()
        health = container.attrs["State"].get("Health")
        if health is None:
            raise AssertionError(f"container {container.name} has no health check")
        status = health.get("Status")
        if status == "healthy":
            return status
        if status == "unhealthy" or time.monotonic() > deadline:
            entries = health.get("Log") or []
            detail = "\n".join(
                f"  exit {e.get('ExitCode')}: {(e.get('Output') or '').strip()[:500]}"
                for e in entries[-3:])
            state = container.attrs["State"].get("Status")
            raise AssertionError(f"container {container.name} is {status} (state {state}) "
                                 f"after {timeout}s; last health checks:\n{detail}")
        time.sleep(1)


def proc_status(container, pid: int = 1) -> dict[str, str]:
    """Uid, Gid, CapEff, CapPrm, NoNewPrivs, Seccomp of a process in the container.

    Read from the host's /proc (tests run as root), so it works on images with no `cat`.
    `pid` is the process id inside the container; 1 is its main process.
    """
    container.reload()
    host_pid = container.attrs["State"]["Pid"]
    if not host_pid:
        raise AssertionError(f"container {container.name} is not running "
                             f"({container.attrs['State'].get('Status')})")
    if pid != 1:
        host_pid = _host_pid(host_pid, pid)
    text = Path(f"/proc/{host_pid}/status").read_text()
    fields = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in PROC_STATUS_FIELDS:
            fields[name] = value.strip()
    return fields


def _host_pid(init_host_pid: int, pid: int) -> int:
    """The host pid of the process that is `pid` in the pid namespace of `init_host_pid`."""
    ns = os.readlink(f"/proc/{init_host_pid}/ns/pid")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "ns" / "pid") != ns:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("NSpid:"):
                    if int(line.split()[-1]) == pid:
                        return int(entry.name)
                    break
        except OSError:
            continue
    raise AssertionError(f"no process {pid} in the container of host pid {init_host_pid}")


def remove_built_images(client) -> list[str]:
    """Remove the images this session built (not those of another session running beside it).

    Set TIGHTSHIP_KEEP_TEST_IMAGES=1 to keep them for a look afterwards.
    """
    if os.environ.get("TIGHTSHIP_KEEP_TEST_IMAGES") == "1":
        return []
    removed = []
    for tag in sorted(BUILT_TAGS):
        with contextlib.suppress(Exception):
            client.images.remove(tag, force=True, noprune=False)
            removed.append(tag)
    BUILT_TAGS.clear()
    return removed


def remove_test_images(client, prefix: str = TEST_TAG_PREFIX) -> list[str]:
    """Remove every image tagged `<prefix>...` (what tests build) and containers made from them.

    A full sweep, for a machine no other test session is using; sessions themselves only
    remove what they built (remove_built_images).
    """
    removed = []
    for container in client.containers.list(all=True):
        if str(container.attrs.get("Config", {}).get("Image", "")).startswith(prefix):
            with contextlib.suppress(Exception):
                container.remove(force=True, v=True)
    for image in client.images.list():
        for tag in image.tags:
            if tag.startswith(prefix):
                with contextlib.suppress(Exception):
                    client.images.remove(tag, force=True, noprune=False)
                    removed.append(tag)
    return removed

