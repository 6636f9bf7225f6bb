"""Node: the dependencies exactly as locked, by the manager whose lock file the project holds.

npm (`npm ci`), yarn classic (`--frozen-lockfile`), yarn berry (`--immutable`, node_modules
linker) and pnpm (`--frozen-lockfile`). yarn and pnpm come through corepack, at the version
package.json's packageManager names (else the profile's build_tools). With a build script
(build.command, e.g. [npm, run, build]) the dev dependencies are installed for it and pruned
after, so the final stage gets the production dependencies alone.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from generator.runtimes import Error, Runtime, frameworks_of
from generator.runtimes.project import Found, code, locked_managers, read, read_json
from generator.runtimes.steps import (
    MANIFESTS_FIRST,
    ONLY_WHAT_RUNS,
    OWN,
    Step,
    copy_in,
    exec_form,
    extra_steps,
    secret_mounts,
    secret_note,
)

INSTALLERS = ("npm", "yarn", "pnpm")
NPM_REGISTRY = "https://registry.npmjs.org"
LOCKS = {"package-lock.json": "npm", "npm-shrinkwrap.json": "npm", "yarn.lock": "yarn",
         "pnpm-lock.yaml": "pnpm"}
# compiled on first use (re caches it): only a Node service has a package manager
_PACKAGE_MANAGER = r"^(npm|yarn|pnpm)@(\d+)\.(\d+)\.(\d+)(\+[\w.-]+)?$"
# (all dependencies, production only, prune to production after a build) per manager
COMMANDS = {
    "npm": ("npm ci --no-audit --no-fund", "npm ci --omit=dev --no-audit --no-fund",
            "npm prune --omit=dev --no-audit --no-fund"),
    "yarn-classic": ("yarn install --frozen-lockfile --non-interactive",
                     "yarn install --frozen-lockfile --non-interactive --production",
                     "yarn install --frozen-lockfile --non-interactive --production "
                     "--ignore-scripts --prefer-offline"),
    "yarn-berry": ("yarn install --immutable", "yarn workspaces focus --all --production",
                   "yarn workspaces focus --all --production"),
    "pnpm": ("pnpm install --frozen-lockfile", "pnpm install --frozen-lockfile --prod",
             "pnpm prune --prod"),
}


def plan(build: dict[str, Any], context: Path, error: Error) -> dict[str, Any]:
    deps = build.get("dependencies", [])
    if not deps:
        return {}
    locks = locked_managers(deps, LOCKS, error)
    installer = build.get("installer", locks[0] if locks else "npm")
    # npm without a lock file is left to `npm ci`, which refuses to build without one.
    if (locks and locks[0] != installer) or (not locks and installer != "npm"):
        wanted = next(n for n, i in LOCKS.items() if i == installer)
        held = next((n for n, i in LOCKS.items() if locks and i == locks[0]), "no lock file")
        field = "installer" if "installer" in build else "dependencies"
        raise error(f"{installer} installs exactly as locked, from {wanted}, but "
                    f"build.dependencies hold {held}", "build", field)
    package_json = next(d for d in deps if posixpath.basename(d) == "package.json")
    manager = read_json(context / package_json).get("packageManager")
    facts: dict[str, Any] = {"installer": installer, "flavour": installer}
    if isinstance(manager, str):
        match = re.match(_PACKAGE_MANAGER, manager)
        if not match:
            raise error(f"package.json's packageManager {manager!r} is not NAME@X.Y.Z",
                        "build", "dependencies")
        if match.group(1) != installer:
            raise error(f"package.json's packageManager is {match.group(1)}, but the lock file "
                        f"in build.dependencies is {installer}'s", "build", "dependencies")
        facts["package_manager"] = manager
        major = int(match.group(2))
    else:
        major = None
    if installer == "yarn":
        lock = read(context / next(d for d in deps if posixpath.basename(d) == "yarn.lock"))
        berry = ("__metadata:" in lock) if lock else (major is not None and major >= 2)
        facts["flavour"] = "yarn-berry" if berry else "yarn-classic"
        if berry:
            rc = [d for d in deps if posixpath.basename(d) == ".yarnrc.yml"]
            text = read(context / rc[0]) if rc else None
            if not text or not re.search(r"^nodeLinker:\s*[\"']?node-modules", text, re.M):
                raise error("yarn berry must install into node_modules: list a .yarnrc.yml "
                            "with `nodeLinker: node-modules` in build.dependencies",
                            "build", "dependencies")
            if "package_manager" not in facts:
                raise error("yarn berry needs its version in package.json's packageManager",
                            "build", "dependencies")
    if installer in ("yarn", "pnpm") and "package_manager" not in facts:
        facts["tool"] = installer  # the profile's pinned version
    return facts


def check_build(build: dict[str, Any], error: Error) -> None:
    deps = build.get("dependencies", [])
    if deps and "package.json" not in [posixpath.basename(d) for d in deps]:
        raise error("a node service's dependencies must include package.json",
                    "build", "dependencies")
    if build.get("command") and not deps:
        raise error("a build script needs the dependencies it runs with: list package.json "
                    "and its lock file in build.dependencies", "build", "command")


def _registry(spec: Any) -> tuple[list[Step], str]:
    index = spec.tools.index("npm")
    if not index:
        return [], ""
    url = index["url"]
    steps = [Step(f"ARG NPM_CONFIG_REGISTRY={url}\nARG YARN_REGISTRY={url}\n"
                  f"ARG YARN_NPM_REGISTRY_SERVER={url}\nARG COREPACK_NPM_REGISTRY={url}",
                  "the organisation's npm registry (profile package_indexes.npm): not secret")]
    mount = (f"--mount=type=secret,id={index['credentials']},target=/root/.npmrc "
             if index.get("credentials") else "")
    return steps, mount


def _corepack(spec: Any) -> list[Step]:
    installer = spec.fact("installer")
    if installer == "npm":
        return []
    env = "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_ENABLE_AUTO_PIN=0"
    if (spec.tools.installer("corepack") or {}).get("signatures") is False:
        env += " COREPACK_INTEGRITY_KEYS=0"  # the profile's mirror serves no npm signatures
    if not spec.tools.index("npm"):  # corepack then fetches every manager from npm's registry
        env += f" COREPACK_NPM_REGISTRY={NPM_REGISTRY}"
    if spec.fact("flavour") == "yarn-berry":  # refuse any install that would change yarn.lock
        env += " YARN_ENABLE_IMMUTABLE_INSTALLS=true YARN_ENABLE_TELEMETRY=0"
    steps = [Step(env)]
    corepack = spec.tools.installer("corepack")
    run = (f"RUN npm install -g --no-audit --no-fund corepack@{corepack['version']} \\\n    && "
           if corepack else "RUN ")
    pinned = " (corepack pinned by the profile, build_tools.corepack)" if corepack else ""
    if spec.fact("package_manager"):
        return [*steps, Step(f"{run}corepack enable {installer}",
                             f"{installer} at the version package.json's packageManager "
                             f"names, through corepack{pinned}")]
    version = spec.tools.installer(installer)["version"]
    return [*steps, Step(f"{run}corepack enable {installer} \\\n"
                         f"    && corepack prepare {installer}@{version} --activate",
                         f"{installer} pinned by the profile (build_tools.{installer}), "
                         f"through corepack{pinned}")]


def build_steps(spec: Any, workdir: str) -> list[Step]:
    deps = list(spec.dependencies)
    registry_steps, registry_mount = _registry(spec)
    mounts, note = registry_mount + secret_mounts(spec), secret_note(spec)
    steps = [*registry_steps, *(_corepack(spec) if deps else [])]
    steps += [Step(copy_in(dep), MANIFESTS_FIRST) for dep in deps]
    everything, production, prune = COMMANDS[spec.fact("flavour", "npm")]
    builds = bool(spec.build_command or spec.extra_build_steps)
    if deps and not builds:
        steps.append(Step(f"RUN {mounts}{production} \\\n    && mkdir -p node_modules",
                          "B06: production dependencies only, exactly as locked" + note))
    elif deps:
        steps.append(Step(f"RUN {mounts}{everything}",
                          "all dependencies, exactly as locked: the build needs the dev ones"
                          + note))
    steps += [Step(copy_in(src)) for src in spec.sources]
    if spec.build_command:
        steps.append(Step(f"RUN {exec_form(spec.build_command)}", "the build script"))
    steps += extra_steps(spec)
    if deps and builds:
        steps.append(Step(f"RUN {mounts}{prune} \\\n    && mkdir -p node_modules",
                          "B06: the dev dependencies go; production ones alone are copied on"))
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
    for i, src in enumerate(spec.outputs or spec.sources):
        steps.append(Step(copy_in(src, from_stage="build", src_root=build_workdir, chown=True),
                          "" if spec.dependencies or i else first))
    return steps


def http_probe(url: str) -> list[str]:
    # The URL is passed as an argument, never pasted into the probe's code.
    return ["node", "-e", "require('http').get(process.argv[1], (r) => "
            "process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => "
            "process.exit(1)).setTimeout(5000, () => process.exit(1))", url]


def detect_version(root: Path) -> Found | None:
    text = (read(root / ".nvmrc") or read(root / ".node-version") or "").strip()
    match = re.match(r"^v?(\d+)", text)
    return Found(match.group(1), ".nvmrc") if match else None


def defaults(root: Path, service: str) -> dict[str, Any]:
    deps = ["package.json"] + [n for n in LOCKS if (root / n).is_file()][:1]
    if "yarn.lock" in deps and (root / ".yarnrc.yml").is_file():
        deps.append(".yarnrc.yml")
    package = read_json(root / "package.json")
    sources = code(root, (".js", ".mjs", ".cjs", ".json"),
                   exclude=("package.json", *LOCKS, "test", "tests", "__tests__", "coverage"))
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
    check_build=check_build, plan=plan, installers=INSTALLERS,
    http_probe=http_probe,
    seccomp_groups=("node",),
    apparmor_exec=("/usr/{,local/}bin/node{,js}",),
    markers=("package.json",), marker_rank=4,
    dependencies_hint="package.json and its lock file: npm, yarn or pnpm",
    asks=frozenset({"build.dependencies", "build.sources"}),
    detect_version=detect_version, defaults=defaults, frameworks=frameworks_of("node"),
)
