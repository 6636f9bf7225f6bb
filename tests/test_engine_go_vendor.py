"""On a real engine: examples/go-cmd-vendor (main package in cmd/, modules vendored) builds
from the generated Dockerfile without the module proxy, runs under the generated compose file
and seccomp profile, answers /healthz on 127.0.0.1, and its binary is static and path-free."""

from __future__ import annotations

import io
import struct
import tarfile
import time
import urllib.request
import uuid

import engine_support
import pytest
from cli_support import copy_example, run_cli
from test_engine_compose import compose_command, compose_profile, compose_up, free_port

pytestmark = pytest.mark.engine
__all__ = ["compose_profile"]  # the fixture, shared with the compose tests

PT_INTERP = 3  # an ELF program header naming a dynamic loader: the binary is not static


def elf_is_static(binary: bytes) -> bool:
    """64-bit little-endian ELF with no PT_INTERP header and no dynamic section."""
    assert binary[:4] == b"\x7fELF" and binary[4] == 2 and binary[5] == 1
    phoff, = struct.unpack_from("<Q", binary, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", binary, 0x36)
    kinds = [struct.unpack_from("<I", binary, phoff + i * phentsize)[0] for i in range(phnum)]
    return PT_INTERP not in kinds and 2 not in kinds  # 2: PT_DYNAMIC


def read_file(engine, image_id: str, path: str) -> bytes:
    container = engine.containers.create(image_id)
    try:
        stream, _ = container.get_archive(path)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.getmembers()[0]
            return tar.extractfile(member).read()
    finally:
        container.remove(force=True)


def get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_vendored_cmd_layout_builds_offline_static_and_serves(engine, compose_profile,
                                                              tmp_path):
    compose_command()
    folder = copy_example("go-cmd-vendor", tmp_path)
    suffix = uuid.uuid4().hex[:8]
    repository = f"{engine_support.TEST_TAG_PREFIX}gojava-vendor-{suffix}"
    host_port = free_port()
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(compose_profile), "--set", f"run.image.repository={repository}",
                     "--set", f"run.publish={{8080: {host_port}}}")
    assert result.code == 0, result.err
    dockerfile = (folder / "Dockerfile").read_text()
    assert "go mod download" not in dockerfile  # vendor/ holds the modules
    assert "GOPROXY=off" in dockerfile and "CGO_ENABLED=0" in dockerfile

    # The build env says GOPROXY=off: any module fetch would fail the build.
    image = engine_support.build_image(engine, folder, f"{repository}:1.0.0")
    binary = read_file(engine, image.id, "/app/go-cmd-vendor")
    assert elf_is_static(binary)
    for path in (b"/root/", b"/go/src", b"/src/cmd/", b"/src/internal/", b"/usr/local/go/"):
        assert path not in binary, path  # -trimpath: no build paths in the binary

    with compose_up(engine, folder, f"tsgojava{suffix}") as container:
        assert engine_support.wait_healthy(container, timeout=120) == "healthy"
        status = engine_support.proc_status(container)
        assert status["Seccomp"] == "2" and status["NoNewPrivs"] == "1"
        assert int(status["CapEff"], 16) == 0
        container.reload()
        host = container.attrs["HostConfig"]
        assert host["ReadonlyRootfs"] is True
        assert any("seccomp" in opt for opt in host["SecurityOpt"])
        assert host["PortBindings"] == {"8080/tcp": [{"HostIp": "127.0.0.1",
                                                      "HostPort": str(host_port)}]}
        deadline = time.monotonic() + 60
        assert get(f"http://127.0.0.1:{host_port}/healthz", deadline) == (200, b"ok\n")
        code, body = get(f"http://127.0.0.1:{host_port}/items/", deadline)
        assert code == 200 and b'"items"' in body
