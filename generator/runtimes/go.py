"""Go: a static binary built in the build stage; the final image (distroless) gets it alone.

The build is reproducible (no VCS stamp, no build id, no file system paths: -trimpath) and,
when the project vendors its modules (vendor/modules.txt), needs no module proxy at all.
"""

from __future__ import annotations

import posixpath
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
    extra_steps,
    quoted,
    secret_mounts,
    secret_note,
)

# Flags of every default build: same sources and toolchain, same bytes.
REPRODUCIBLE = ("-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=")
# package_indexes.go_modules keys in the profile, each a non-secret build argument.
INDEX_ARGS = (("proxy", "GOPROXY"), ("private", "GOPRIVATE"), ("flags", "GOFLAGS"))
# compiled on first use (re caches it): only a Go service names packages
PACKAGE_PATTERN = r"\.{1,2}(/[A-Za-z0-9._@+-]+)*/?\Z"


def _static(spec: Any) -> bool:
    """A final image without a package manager has no libc to link against: no cgo."""
    return bool(spec.run_image.packages == "none")


def _environment(spec: Any) -> Step:
    env = []
    if _static(spec):
        env.append("CGO_ENABLED=0")
    env.append("GOTOOLCHAIN=local")
    if spec.fact("vendored"):
        env.append("GOPROXY=off")
    why = ["in ENV, so a custom build command keeps them: the image's own toolchain, "
           "never a downloaded one"]
    if _static(spec):
        why.append("no cgo: the final image has no libc to link against")
    if spec.fact("vendored"):
        why.append("vendor/ holds every module: no module proxy is asked")
    return Step("ENV " + " ".join(env), ";\n# ".join(why))


def _index(spec: Any) -> tuple[list[Step], str]:
    """The organisation's module proxy settings as build arguments; its netrc as a secret."""
    index = spec.tools.index("go_modules") or {}
    steps: list[Step] = []
    for key, name in INDEX_ARGS:
        if key in index and not (spec.fact("vendored") and name != "GOFLAGS"):
            why = ("" if steps else "the organisation's Go settings (profile "
                   "package_indexes.go_modules): not secret")
            if name == "GOPRIVATE":  # module path patterns, though hadolint reads a secret
                why = (why + "\n# " if why else "") + "GOPRIVATE names module paths, no secret"
            steps.append(Step(f"ARG {name}={quoted(index[key])}", why,
                              "DL3064" if name == "GOPRIVATE" else ""))
    mount = (f"--mount=type=secret,id={index['credentials']},target=/root/.netrc "
             if index.get("credentials") and not spec.fact("vendored") else "")
    return steps, mount


def build_steps(spec: Any, workdir: str) -> list[Step]:
    index_steps, index_mount = _index(spec)
    steps = [*index_steps, _environment(spec)]
    mounts = secret_mounts(spec)
    deps = list(spec.dependencies)
    why = ("module files first: go build checks vendor/modules.txt against go.mod"
           if spec.fact("vendored") else "module files first, so the download layer is cached")
    steps += [Step(copy_in(dep), why) for dep in deps]
    if deps and not spec.fact("vendored"):
        note = secret_note(spec) or (" (B09: the netrc is mounted for this step only)"
                                     if index_mount else "")
        steps.append(Step(f"RUN {index_mount}{mounts}go mod download", note.strip(" ()")))
    steps += [Step(copy_in(src)) for src in spec.sources]
    if spec.build_command:
        steps.append(Step(f"RUN {mounts}{exec_form(spec.build_command)}"))
    else:
        vendor = ["-mod=vendor"] if spec.fact("vendored") else []
        argv = ["go", "build", *vendor, *REPRODUCIBLE, "-o", f"/out/{spec.service}",
                spec.fact("package", ".")]
        steps.append(Step(f"RUN {mounts}{exec_form(argv)}",
                          "a reproducible binary: no VCS stamp, build id or source paths"))
    return steps + extra_steps(spec)


def check_build(build: dict[str, Any], error: Error) -> None:
    if build.get("command") and not build.get("artifact"):
        raise error("with a custom go build command, say where it writes the binary "
                    "(build.artifact)", "build", "artifact")
    if build.get("command") and build.get("package"):
        raise error("build.package names what the default go build builds: with a custom "
                    "build.command, name the package in the command", "build", "package")


def _copied(path: str, build: dict[str, Any]) -> bool:
    """Whether a context path reaches the build stage through build.sources or dependencies."""
    listed = [p.rstrip("/") for p in build.get("sources", []) + build.get("dependencies", [])]
    return any(p in (".", "") or path == p or path.startswith(p + "/") for p in listed)


def plan(build: dict[str, Any], context: Path, error: Error) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    package = build.get("package")
    if package is not None:
        if not re.match(PACKAGE_PATTERN, package):
            raise error("build.package is a folder of the build context written ./path "
                        "(letters, digits and ._@+- only), e.g. ./cmd/server",
                        "build", "package")
        normal = posixpath.normpath(package)
        if normal == ".." or normal.startswith("../"):
            raise error(f"build.package {package} is outside the build context",
                        "build", "package")
        if normal != "." and not _copied(normal, build):
            raise error(f"build.package {package} is not copied: list it (or a folder above "
                        "it) in build.sources", "build", "package")
        facts["package"] = "./" + normal if normal != "." else "."
    if (context / "vendor" / "modules.txt").is_file():
        if not _copied("vendor", build):
            raise error("vendor/ holds the modules (vendor/modules.txt): list vendor/ in "
                        "build.sources, or the build needs the module proxy",
                        "build", "sources")
        facts["vendored"] = True
    return facts


def detect_version(root: Path) -> Found | None:
    match = re.search(r"^go\s+(\d+\.\d+)", read(root / "go.mod") or "", re.MULTILINE)
    return Found(match.group(1), "go.mod") if match else None


def main_packages(root: Path) -> list[str]:
    """`./cmd/NAME` for each cmd/NAME/ holding a `package main` file; `.` for one at the root."""
    found = []
    if _has_main(root):
        found.append(".")
    cmd = root / "cmd"
    if cmd.is_dir() and not cmd.is_symlink():
        for entry in sorted(cmd.iterdir(), key=lambda p: p.name):
            if entry.is_dir() and not entry.is_symlink() and _has_main(entry):
                found.append(f"./cmd/{entry.name}")
    return found


def _has_main(folder: Path) -> bool:
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".go"
                       and not p.name.endswith("_test.go"))
    except OSError:
        return False
    return any(re.search(r"^package\s+main\b", read(p) or "", re.MULTILINE) for p in files)


def defaults(root: Path, service: str) -> dict[str, Any]:
    deps = ["go.mod"] + (["go.sum"] if (root / "go.sum").is_file() else [])
    sources = code(root, (".go",))
    if (root / "vendor" / "modules.txt").is_file():
        sources = sorted({*sources, "vendor/"})
    mains = main_packages(root)
    package = mains[0] if mains else "."
    binary = f"/app/{service}"
    answers: dict[str, Any] = {"build.dependencies": deps, "build.sources": sources,
               "command": [binary], "healthcheck.command": [binary, "-healthcheck"]}
    if package != ".":
        answers["build.package"] = package
    return answers


RUNTIME = Runtime(
    name="go", order=30, built=True,
    build_steps=build_steps, final_copies=copy_built_artifact,
    build_workdir="/src", binary_named_after_service=True,
    check_build=check_build, plan=plan,
    seccomp_groups=("go",),
    runs_artifact=True,
    markers=("go.mod",), marker_rank=2,
    dependencies_hint="go.mod and go.sum",
    asks=frozenset({"build.dependencies", "build.sources"}),
    health_flag=True,
    detect_version=detect_version, defaults=defaults,
)
