"""The runtimes tightship builds and runs: one module each, and the registry that lists them.

Everything that differs between runtimes is a field of `Runtime`, filled in by that runtime's
module: how its build stage installs and builds, what the final stage copies, what runs it,
its health probe, its seccomp groups, its AppArmor paths, and how the wizard recognises it.
The rest of the package asks `RUNTIMES` and never names a runtime itself, so a new runtime is
one new module here (plus its example and tests).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from generator.runtimes.project import Found
from generator.runtimes.steps import Step

Error = Callable[..., Exception]  # error(message, *path) -> a UserError naming file:line:field


def _no_steps(spec: Any, workdir: str) -> list[Step]:
    return []


def _no_version(root: Path) -> Found | None:
    return None


def _no_defaults(root: Path, service: str) -> dict[str, Any]:
    return {}


def _no_frameworks(root: Path, suggested: dict[str, Any]) -> dict[str, Any]:
    return {}


def frameworks_of(runtime: str) -> Callable[[Path, dict[str, Any]], dict[str, Any]]:
    """frameworks.RUNTIME, imported on the first detection: only the wizard detects, so a
    render never compiles the detection's patterns."""
    def detect(root: Path, suggested: dict[str, Any]) -> dict[str, Any]:
        from generator.runtimes import frameworks

        found: dict[str, Any] = getattr(frameworks, runtime)(root, suggested)
        return found
    return detect


class Runtime(NamedTuple):
    """Everything tightship knows about one runtime."""

    name: str
    order: int  # where it is listed (command-line choices, the schema)
    # --- the Dockerfile ---
    built: bool  # has a build stage; False: the context is copied as it is
    build_steps: Callable[[Any, str], list[Step]] = _no_steps  # (spec, workdir) -> steps
    final_copies: Callable[[Any, str], list[Step]] = _no_steps  # (spec, build workdir)
    env: tuple[tuple[str, str], ...] = ()  # ENV of the final stage, before the answers' env
    build_workdir: str | None = None  # None: the service's workdir
    binary_named_after_service: bool = False  # the default build writes /app/SERVICE
    artifact_from_context: bool = False  # the final image copies build.artifact from the context
    context_ignores: tuple[str, ...] = ()  # .dockerignore patterns beyond everyone's
    # --- the answers it needs ---
    required_build: tuple[str, ...] = ()  # build.* keys without which it cannot build
    # more checks of build.*
    check_build: Callable[[dict[str, Any], Error], None] | None = None
    # (build answers, build context, error) -> facts read from the project's own files, e.g.
    # {"installer": "uv", "installable": False}; frozen into Spec.build_facts
    plan: Callable[[dict[str, Any], Path, Error], dict[str, Any]] | None = None
    installers: tuple[str, ...] = ()  # what build.installer may name
    # --- running it ---
    http_probe: Callable[[str], list[str]] | None = None  # URL -> probe argv; None: no client
    slow_start: bool = False  # Kubernetes gives it a startup probe
    python_in_image: bool = False  # verify can probe a forbidden syscall with python3
    seccomp_groups: tuple[str, ...] = ()  # when the profile's seccomp.runtimes says nothing
    apparmor_exec: tuple[str, ...] = ()  # what the runtime executes besides the command
    apparmor_map: tuple[str, ...] = ()  # what it maps besides the libraries
    runs_artifact: bool = False  # the artifact itself is the program that runs
    # --- the wizard ---
    markers: tuple[str, ...] = ()  # files whose presence says this runtime
    marker_rank: int = 99  # lower is more telling (a Java service may carry a package.json)
    dependencies_hint: str = ""
    asks: frozenset[str] = frozenset()  # build.* questions it asks
    health_flag: bool = False  # suggest `COMMAND -healthcheck` as the health command
    # health check timings that replace the defaults, e.g. for a check that starts a JVM
    health_timing: tuple[tuple[str, str], ...] = ()
    artifact_runs_as: Callable[[str], list[str]] | None = None  # /app/NAME -> command
    detect_version: Callable[[Path], Found | None] = _no_version
    # (root, service) -> dotted answers
    defaults: Callable[[Path, str], dict[str, Any]] = _no_defaults
    # (root, the defaults) -> what a recognised framework says instead (frameworks.py)
    frameworks: Callable[[Path, dict[str, Any]], dict[str, Any]] = _no_frameworks


# Modules of this package that are helpers, not runtimes.
HELPERS = ("project", "steps", "frameworks")


def _load() -> dict[str, Runtime]:
    """Every module here but the helpers defines RUNTIME; listed in their `order`."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name not in HELPERS and not info.name.startswith("_"):
            found.append(importlib.import_module(f"{__name__}.{info.name}").RUNTIME)
    return {r.name: r for r in sorted(found, key=lambda r: (r.order, r.name))}


RUNTIMES: dict[str, Runtime] = _load()
NAMES: tuple[str, ...] = tuple(RUNTIMES)


def runtime(name: str) -> Runtime:
    return RUNTIMES[name]
