"""Go: a static binary built in the build stage; the final image (distroless) gets it alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.runtimes import Error, Runtime
from generator.runtimes.project import Found, code, read
from generator.runtimes.steps import (
    Step,
    copy_built_artifact,
    copy_in,
    exec_form,
    secret_mounts,
    secret_note,
)


def build_steps(spec: Any, workdir: str) -> list[Step]:
    deps = list(spec.dependencies)
    mounts = secret_mounts(spec)
    steps = [Step(copy_in(dep), "module files first, so the download layer is cached")
             for dep in deps]
    if deps:
        steps.append(Step(f"RUN {mounts}go mod download", secret_note(spec).strip(" ()")))
    steps += [Step(copy_in(src)) for src in spec.sources]
    if spec.build_command:
        steps.append(Step(f"RUN {mounts}{exec_form(spec.build_command)}"))
    else:
        steps.append(Step(
            f"RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/{spec.service} .",
            "a static binary: the final image needs no libc, shell or toolchain"))
    return steps


def check_build(build: dict, error: Error) -> None:
    if build.get("command") and not build.get("artifact"):
        raise error("with a custom go build command, say where it writes the binary "
                    "(build.artifact)", "build", "artifact")


def detect_version(root: Path) -> Found | None:
    match = re.search(r"^go\s+(\d+\.\d+)", read(root / "go.mod") or "", re.MULTILINE)
    return Found(match.group(1), "go.mod") if match else None


def defaults(root: Path, service: str) -> dict:
    deps = ["go.mod"] + (["go.sum"] if (root / "go.sum").is_file() else [])
    binary = f"/app/{service}"
    return {"build.dependencies": deps,
            "build.sources": code(root, (".go",)),
            "command": [binary],
            "healthcheck.command": [binary, "-healthcheck"]}


RUNTIME = Runtime(
    name="go", order=30, built=True,
    build_steps=build_steps, final_copies=copy_built_artifact,
    build_workdir="/src", binary_named_after_service=True,
    check_build=check_build,
    seccomp_groups=("go",),
    runs_artifact=True,
    markers=("go.mod",), marker_rank=2,
    dependencies_hint="go.mod and go.sum",
    asks=frozenset({"build.dependencies", "build.sources"}),
    health_flag=True,
    detect_version=detect_version, defaults=defaults,
)
