"""A prebuilt static binary from the build context, copied alone onto a distroless image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.runtimes import Runtime
from generator.runtimes.project import top
from generator.runtimes.steps import ONLY_WHAT_RUNS, OWN, Step, context_path


def final_copies(spec: Any, build_workdir: str) -> list[Step]:
    return [Step(f"COPY --chown=0:0 {context_path(spec.artifact)} {spec.artifact_name}",
                 f"{ONLY_WHAT_RUNS}: the binary alone.\n# {OWN}")]


def defaults(root: Path, service: str) -> dict[str, Any]:
    artifact = f"bin/{service}"
    folder = root / "bin"
    if not (root / artifact).is_file() and folder.is_dir():
        binaries = [p.name for p in top(folder) if p.is_file() and not p.name.startswith(".")]
        if len(binaries) == 1:
            artifact = f"bin/{binaries[0]}"
    binary = f"/app/{artifact.rsplit('/', 1)[-1]}"
    return {"build.artifact": artifact, "command": [binary],
            "healthcheck.command": [binary, "-healthcheck"]}


RUNTIME = Runtime(
    name="static", order=50, built=False,
    final_copies=final_copies, artifact_from_context=True,
    required_build=("artifact",),
    # The static binaries tightship builds are Go; a profile says otherwise for C or Rust.
    seccomp_groups=("go",),
    runs_artifact=True,
    asks=frozenset({"build.artifact"}),
    health_flag=True, artifact_runs_as=lambda path: [path],
    defaults=defaults,
)
