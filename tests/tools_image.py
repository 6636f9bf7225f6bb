"""The tools image: Debian 13's cosign, skopeo and podman 5, which Debian 12 on the CI host
lacks, built by .ci/engine-up.sh and kept in the local registry. Tests run those tools in a
container of it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import engine_support

TOOLS_IMAGE = f"{engine_support.REGISTRY}/tightship-ci/tools:trixie"


def require_tools_image(engine) -> str:
    """The tools image, pulled from the local registry once; `unavailable()` when it is not."""
    problem = None
    try:
        engine.images.get(TOOLS_IMAGE)
    except Exception:
        try:
            engine.images.pull(TOOLS_IMAGE)
        except Exception as exc:
            problem = f"{TOOLS_IMAGE} is not in the local registry: {exc}"
    if problem:
        engine_support.unavailable(problem)
    return TOOLS_IMAGE


def run_tools(workdir: Path, *command: str, network: str = "none", env: dict | None = None,
              mounts: dict[Path, str] | None = None, timeout: int = 300):
    """`command` in a throw-away container of the tools image, `workdir` mounted at /w."""
    args = ["docker", "run", "--rm", f"--network={network}", "-v", f"{workdir}:/w", "-w", "/w"]
    for host, inside in (mounts or {}).items():
        args += ["-v", f"{host}:{inside}:ro"]
    for name, value in (env or {}).items():
        args += ["-e", f"{name}={value}"]
    return subprocess.run([*args, TOOLS_IMAGE, *command], capture_output=True, text=True,
                          timeout=timeout)
