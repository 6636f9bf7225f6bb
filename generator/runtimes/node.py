"""Node: `npm ci` of the production dependencies in the build stage; node_modules copied on."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from generator.runtimes import Error, Runtime
from generator.runtimes.project import Found, code, read, read_json
from generator.runtimes.steps import (
    MANIFESTS_FIRST,
    ONLY_WHAT_RUNS,
    OWN,
    Step,
    copy_in,
    secret_mounts,
    secret_note,
)


def build_steps(spec: Any, workdir: str) -> list[Step]:
    deps = list(spec.dependencies)
    steps = [Step(copy_in(dep), MANIFESTS_FIRST) for dep in deps]
    if deps:
        steps.append(Step(f"RUN {secret_mounts(spec)}npm ci --omit=dev --no-audit --no-fund \\\n"
                          "    && mkdir -p node_modules",
                          "B06: production dependencies only, exactly as locked"
                          + secret_note(spec)))
    steps += [Step(copy_in(src)) for src in spec.sources]
    return steps


def final_copies(spec: Any, build_workdir: str) -> list[Step]:
    first = f"{ONLY_WHAT_RUNS}.\n# {OWN}"
    steps: list[Step] = []
    if spec.dependencies:
        steps.append(Step(copy_in("node_modules", from_stage="build", src_root=build_workdir,
                                  chown=True), first))
        for dep in spec.dependencies:
            if dep.endswith("package.json"):
                steps.append(Step(copy_in(dep, from_stage="build", src_root=build_workdir,
                                          chown=True)))
    for i, src in enumerate(spec.sources):
        steps.append(Step(copy_in(src, from_stage="build", src_root=build_workdir, chown=True),
                          "" if spec.dependencies or i else first))
    return steps


def check_build(build: dict, error: Error) -> None:
    deps = build.get("dependencies", [])
    if deps and "package.json" not in [posixpath.basename(d) for d in deps]:
        raise error("a node service's dependencies must include package.json",
                    "build", "dependencies")


def http_probe(url: str) -> list[str]:
    # The URL is passed as an argument, never pasted into the probe's code.
    return ["node", "-e", "require('http').get(process.argv[1], (r) => "
            "process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => "
            "process.exit(1)).setTimeout(5000, () => process.exit(1))", url]


def detect_version(root: Path) -> Found | None:
    text = (read(root / ".nvmrc") or read(root / ".node-version") or "").strip()
    match = re.match(r"^v?(\d+)", text)
    return Found(match.group(1), ".nvmrc") if match else None


def defaults(root: Path, service: str) -> dict:
    deps = ["package.json"] + [n for n in ("package-lock.json", "npm-shrinkwrap.json")
                               if (root / n).is_file()][:1]
    package = read_json(root / "package.json")
    sources = code(root, (".js", ".mjs", ".cjs", ".json"),
                   exclude=("package.json", "package-lock.json", "npm-shrinkwrap.json",
                            "test", "tests", "__tests__", "coverage"))
    sources = [s for s in sources if s.endswith("/") or not s.endswith(".json")]
    entry = None
    start = (package.get("scripts") or {}).get("start") if isinstance(
        package.get("scripts"), dict) else None
    if isinstance(start, str):
        match = re.match(r"^node\s+([\w./-]+\.(?:m|c)?js)\s*$", start.strip())
        if match:
            entry = match.group(1).removeprefix("./")
    if entry is None and isinstance(package.get("main"), str):
        entry = package["main"].removeprefix("./")
    if entry is None:
        for candidate in ("src/server.js", "server.js", "src/index.js", "index.js", "app.js"):
            if (root / candidate).is_file():
                entry = candidate
                break
    return {"build.dependencies": deps,
            "build.sources": sources,
            "command": ["node", entry or "server.js"]}


RUNTIME = Runtime(
    name="node", order=20, built=True,
    build_steps=build_steps, final_copies=final_copies,
    env=(("NODE_ENV", "production"),),
    context_ignores=("node_modules",),
    check_build=check_build,
    http_probe=http_probe,
    seccomp_groups=("node",),
    apparmor_exec=("/usr/{,local/}bin/node{,js}",),
    markers=("package.json",), marker_rank=4,
    dependencies_hint="package.json and its lock",
    asks=frozenset({"build.dependencies", "build.sources"}),
    detect_version=detect_version, defaults=defaults,
)
