"""Python: dependencies into a virtualenv in the build stage; the final stage gets the venv."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from generator.runtimes import Error, Runtime
from generator.runtimes.project import Found, code, read
from generator.runtimes.steps import (
    MANIFESTS_FIRST,
    ONLY_WHAT_RUNS,
    OWN,
    Step,
    copy_in,
    secret_mounts,
    secret_note,
)

VENV = "/opt/venv"
_REQUIREMENTS_RE = re.compile(r"requirements.*\.txt$")


def build_steps(spec: Any, workdir: str) -> list[Step]:
    deps = list(spec.dependencies)
    mounts, note = secret_mounts(spec), secret_note(spec)
    requirements = [d for d in deps if d.endswith(".txt")]
    pyproject = [d for d in deps if d.endswith("pyproject.toml")]
    steps = [Step(copy_in(dep), MANIFESTS_FIRST) for dep in deps]
    if requirements:
        installs = " ".join(f"-r {r}" for r in requirements)
        steps.append(Step(f"RUN {mounts}python3 -m venv {VENV} \\\n"
                          f"    && {VENV}/bin/pip install --no-cache-dir {installs}",
                          "B06: dependencies go into a virtualenv that alone is copied on"
                          + note))
    steps += [Step(copy_in(src)) for src in spec.sources]
    if pyproject:
        steps.append(Step(f"RUN {mounts}python3 -m venv {VENV} \\\n"
                          f"    && {VENV}/bin/pip install --no-cache-dir .",
                          "B06: the project is installed into the virtualenv" + note))
    return steps


def final_copies(spec: Any, build_workdir: str) -> list[Step]:
    steps = [Step(f"COPY --from=build --chown=0:0 {VENV} {VENV}",
                  f"{ONLY_WHAT_RUNS}.\n# {OWN}")]
    steps += [Step(copy_in(src, from_stage="build", src_root=build_workdir, chown=True))
              for src in spec.sources]
    return steps


def check_build(build: dict, error: Error) -> None:
    deps = build.get("dependencies", [])
    if deps and not [d for d in deps if posixpath.basename(d) == "pyproject.toml"
                     or _REQUIREMENTS_RE.match(posixpath.basename(d))]:
        raise error("python dependencies are installed from requirements*.txt or "
                    "pyproject.toml", "build", "dependencies")


def http_probe(url: str) -> list[str]:
    # The URL is passed as an argument, never pasted into the probe's code.
    return ["python3", "-c", "import sys, urllib.request; "
            "urllib.request.urlopen(sys.argv[1], timeout=5)", url]


def detect_version(root: Path) -> Found | None:
    text = (read(root / ".python-version") or "").strip()
    match = re.match(r"^(\d+\.\d+)", text)
    return Found(match.group(1), ".python-version") if match else None


def defaults(root: Path, service: str) -> dict:
    deps = [n for n in ("requirements.txt", "pyproject.toml") if (root / n).is_file()][:1]
    sources = code(root, (".py",), exclude=("setup.py", "conftest.py", "tests", "test"))
    command = None
    for src in sources:
        if src.endswith("/") and (root / src / "__main__.py").is_file():
            command = ["python3", "-m", src.rstrip("/")]
            break
    if command is None:
        for name in ("main.py", "app.py", "server.py", "__main__.py"):
            if name in sources:
                command = ["python3", name]
                break
    return {"build.dependencies": deps or ["requirements.txt"],
            "build.sources": sources,
            "command": command or ["python3", "-m", "app"]}


RUNTIME = Runtime(
    name="python", order=10, built=True,
    build_steps=build_steps, final_copies=final_copies,
    env=(("PATH", f"{VENV}/bin:$PATH"), ("PYTHONDONTWRITEBYTECODE", "1"),
         ("PYTHONUNBUFFERED", "1")),
    context_ignores=(),
    check_build=check_build,
    http_probe=http_probe, python_in_image=True,
    seccomp_groups=("python",),
    apparmor_exec=("/usr/{,local/}bin/python3{,.[0-9]*}", f"{VENV}/bin/python3{{,.[0-9]*}}"),
    apparmor_map=(f"{VENV}/**",),
    markers=("requirements.txt", "pyproject.toml"), marker_rank=3,
    dependencies_hint="requirements*.txt or pyproject.toml",
    asks=frozenset({"build.dependencies", "build.sources"}),
    detect_version=detect_version, defaults=defaults,
)
