"""Anything else: the declared sources copied as they are onto a Debian image, run as given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.runtimes import Runtime
from generator.runtimes.project import SKIP_DIRS, top
from generator.runtimes.steps import ONLY_WHAT_RUNS, OWN, Step, copy_in


def final_copies(spec: Any, build_workdir: str) -> list[Step]:
    return [Step(copy_in(src, chown=True), "" if i else f"{ONLY_WHAT_RUNS}.\n# {OWN}")
            for i, src in enumerate(spec.sources)]


def defaults(root: Path, service: str) -> dict[str, Any]:
    sources = [e.name + "/" for e in top(root)
               if e.is_dir() and not e.name.startswith(".") and e.name not in SKIP_DIRS]
    return {"build.sources": sources[:3]}


RUNTIME = Runtime(
    name="generic", order=60, built=False,
    final_copies=final_copies,
    seccomp_groups=("shell",),
    asks=frozenset({"build.sources"}),
    defaults=defaults,
)
