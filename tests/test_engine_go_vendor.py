"""On a real engine: examples/go-cmd-vendor (main package in cmd/, modules vendored) builds
from the generated Dockerfile without the module proxy, and its binary is static and path-free
(test_engine_examples runs it under the generated compose file and seccomp profile)."""

from __future__ import annotations

import io
import struct
import tarfile

import pytest

pytestmark = pytest.mark.engine

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


def test_vendored_cmd_layout_builds_offline_static_and_path_free(engine, example):
    """The shared build (example_builds); test_engine_examples runs it under compose."""
    built = example("go-cmd-vendor")
    dockerfile = (built.folder / "Dockerfile").read_text()
    assert "go mod download" not in dockerfile  # vendor/ holds the modules
    # The build env says GOPROXY=off: any module fetch would have failed the build.
    assert "GOPROXY=off" in dockerfile and "CGO_ENABLED=0" in dockerfile
    binary = read_file(engine, built.image.id, "/app/go-cmd-vendor")
    assert elf_is_static(binary)
    for path in (b"/root/", b"/go/src", b"/src/cmd/", b"/src/internal/", b"/usr/local/go/"):
        assert path not in binary, path  # -trimpath: no build paths in the binary
