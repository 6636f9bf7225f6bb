"""Python: dependencies into a virtualenv in the build stage, exactly as locked; the final
stage gets the venv and the code, byte-compiled (the root is read-only at run time).

The installer follows the lock file among build.dependencies (or build.installer):
- pip: requirements*.txt, with --require-hashes when every requirement carries a hash;
  a lone pyproject.toml is installed when it declares a build system, else only its
  [project] dependencies are;
- uv: uv.lock, `uv sync --frozen --no-dev`, the project itself only when it is a package;
  uv comes from PyPI pinned by version and wheel hashes (the profile's build_tools.uv);
- poetry: poetry.lock's main group, turned into a hashed requirements list in the build stage
  (what `poetry export` writes) and installed with --require-hashes, so no poetry is needed.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from generator.runtimes import Error, Runtime, frameworks_of
from generator.runtimes.project import Found, code, locked_managers, read, read_toml
from generator.runtimes.steps import (
    MANIFESTS_FIRST,
    ONLY_WHAT_RUNS,
    OWN,
    Step,
    context_path,
    copy_in,
    exec_form,
    extra_steps,
    secret_mounts,
    secret_note,
)

VENV = "/opt/venv"
TOOLS = "/opt/build-tools"  # the pinned installer's own venv, build stage only
_REQUIREMENTS_RE = re.compile(r"requirements.*\.txt$")
INSTALLERS = ("pip", "uv", "poetry")
LOCKS = {"uv.lock": "uv", "poetry.lock": "poetry"}
PIP = f"{VENV}/bin/pip install --no-cache-dir"

# poetry.lock -> requirements with hashes: the main group, each package's marker for it.
POETRY_EXPORT = (
    "import sys, tomllib; lock = tomllib.load(open(sys.argv[1], 'rb')); out = []\n"
    "for p in lock.get('package', []):\n"
    "    groups = p.get('groups') or [p.get('category', 'main')]\n"
    "    if 'main' not in groups: continue\n"
    "    m = p.get('markers'); m = m.get('main') if isinstance(m, dict) else m\n"
    "    out.append(p['name'] + '==' + p['version'] + (' ; ' + m if m else '') + ''.join("
    "' --hash=' + f['hash'] for f in p.get('files', [])))\n"
    "open(sys.argv[2], 'w').write(''.join(line + '\\n' for line in out))")
EXPORTED = "/tmp/poetry-requirements.txt"


def _named(deps: list[str] | tuple[str, ...], name: str) -> list[str]:
    return [d for d in deps if posixpath.basename(d) == name]


def _requirements(deps: list[str] | tuple[str, ...]) -> list[str]:
    return [d for d in deps if _REQUIREMENTS_RE.match(posixpath.basename(d))]


# --- what the project says -------------------------------------------------------------------

def plan(build: dict[str, Any], context: Path, error: Error) -> dict[str, Any]:
    deps = build.get("dependencies", [])
    if not deps:
        return {}
    locks = locked_managers(deps, LOCKS, error)
    inferred = locks[0] if locks else "pip"
    installer = build.get("installer", inferred)
    if installer != inferred:
        lock = next((n for n, i in LOCKS.items() if i == installer), "requirements*.txt")
        found = next((n for n, i in LOCKS.items() if i == inferred), "no lock file")
        raise error(f"build.installer {installer} installs from {lock}, but "
                    f"build.dependencies hold {found}", "build", "installer")
    pyproject_path = next(iter(_named(deps, "pyproject.toml")), None)
    if installer in ("uv", "poetry") and pyproject_path is None:
        raise error(f"{installer} needs pyproject.toml beside its lock file in "
                    "build.dependencies", "build", "dependencies")
    facts: dict[str, Any] = {"installer": installer}
    if installer == "uv":
        facts["tool"] = "uv"  # the profile must pin it
    if pyproject_path:
        pyproject = read_toml(context / pyproject_path)
        poetry = (pyproject.get("tool") or {}).get("poetry") or {}
        facts["installable"] = ("build-system" in pyproject
                                and poetry.get("package-mode", True) is not False)
        if installer == "pip" and not _requirements(deps) and not facts["installable"]:
            listed = (pyproject.get("project") or {}).get("dependencies") or []
            facts["project_dependencies"] = tuple(str(d) for d in listed)
    if installer == "pip":
        texts = [read(context / r) for r in _requirements(deps)]
        facts["hashed"] = bool(texts) and all(t is not None and _all_hashed(t) for t in texts)
    if installer == "poetry":
        poetry_lock = read_toml(context / next(iter(_named(deps, "poetry.lock"))))
        for package in poetry_lock.get("package", []):
            kind = (package.get("source") or {}).get("type")
            if kind in ("git", "directory", "file", "url"):
                raise error(f"poetry.lock installs {package.get('name')} from a {kind} source, "
                            "which has no hash to check: publish it to an index",
                            "build", "dependencies")
    return facts


def _all_hashed(text: str) -> bool:
    """Every requirement line of a requirements file names a hash (continuations joined)."""
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.split("#", 1)[0].strip() for line in joined.splitlines()]
    requirements = [line for line in lines if line and not line.startswith("-")]
    return bool(requirements) and all("--hash=" in line for line in requirements)


def check_build(build: dict[str, Any], error: Error) -> None:
    deps = build.get("dependencies", [])
    known = [d for d in deps if posixpath.basename(d) in ("pyproject.toml", *LOCKS)
             or _REQUIREMENTS_RE.match(posixpath.basename(d))]
    if deps and not known:
        raise error("python dependencies are installed from requirements*.txt, "
                    "pyproject.toml, uv.lock or poetry.lock", "build", "dependencies")


# --- the build stage -------------------------------------------------------------------------

def _index(spec: Any) -> tuple[list[Step], str]:
    """The organisation's index as a build argument, and the mount of its credentials."""
    index = spec.tools.index("pip")
    if not index:
        return [], ""
    steps = [Step(f"ARG PIP_INDEX_URL={index['url']}\nARG UV_DEFAULT_INDEX={index['url']}",
                  "the organisation's package index (profile package_indexes.pip): not secret")]
    mount = (f"--mount=type=secret,id={index['credentials']},target=/root/.netrc "
             if index.get("credentials") else "")
    return steps, mount


def _uv_tool(spec: Any) -> Step:
    tool = spec.tools.installer("uv")
    if tool.get("image_ref"):
        return Step(f"COPY --from={tool['image_ref']} /uv {TOOLS}/bin/uv",
                    "the installer, from uv's own image pinned by digest (profile "
                    "build_tools.uv); it stays in this stage")
    hashes = " ".join(f"--hash={h}" for h in tool["hashes"])
    return Step(f"RUN python3 -m venv {TOOLS} \\\n"
                f"    && echo 'uv=={tool['version']} {hashes}' > /tmp/uv-requirements.txt \\\n"
                f"    && {TOOLS}/bin/pip install --no-cache-dir --require-hashes "
                "-r /tmp/uv-requirements.txt",
                "the installer, pinned by version and wheel hashes (profile build_tools.uv); "
                "it stays in this stage")


def _install(spec: Any, mounts: str, note: str) -> list[Step]:
    """The locked install, before the sources are copied (so its layer is cached)."""
    installer = spec.fact("installer")
    deps = spec.dependencies
    why = "B06: dependencies go into a virtualenv that alone is copied on" + note
    if installer == "uv":
        # The project itself (if it is a package) only after its sources: see _install_project.
        return [_uv_tool(spec),
                Step(f"ENV UV_PROJECT_ENVIRONMENT={VENV} UV_PYTHON_DOWNLOADS=never "
                     "UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1 UV_SYSTEM_CERTS=1",
                     "uv uses the image's certificate store, as pip does (an organisation's CA "
                     "installed there is trusted)"),
                Step(f"RUN {mounts}{TOOLS}/bin/uv sync --frozen --no-dev --no-install-project "
                     "--python python3", why + ";\n# exactly as uv.lock says, dev group left out")]
    if installer == "poetry":
        lock = next(iter(_named(deps, "poetry.lock")))
        return [Step(f"RUN {exec_form(['python3', '-c', POETRY_EXPORT, lock, EXPORTED])}",
                     "poetry.lock's main group as a hashed requirements list (no poetry needed)"),
                Step(f"RUN {mounts}python3 -m venv {VENV} \\\n"
                     f"    && {PIP} --require-hashes --no-deps -r {EXPORTED}",
                     why + ";\n# exactly as poetry.lock says, each file's hash checked")]
    requirements = _requirements(deps)
    if requirements:
        hashes = "--require-hashes " if spec.fact("hashed") else ""
        installs = " ".join(f"-r {context_path(r)}" for r in requirements)
        return [Step(f"RUN {mounts}python3 -m venv {VENV} \\\n    && {PIP} {hashes}{installs}",
                     why)]
    listed = spec.fact("project_dependencies")
    if listed:
        return [Step(f"RUN {mounts}python3 -m venv {VENV}"),
                Step(f"RUN {mounts}{exec_form([f'{VENV}/bin/pip', *PIP.split()[1:], *listed])}",
                     "the application's [project] dependencies (it is no package to install)"
                     + note)]
    return []


def _install_project(spec: Any, mounts: str, note: str) -> list[Step]:
    """After the sources: the project itself, when it is an installable package."""
    installer = spec.fact("installer")
    why = "B06: the project is installed into the virtualenv" + note
    if installer == "uv" and spec.fact("installable"):
        return [Step(f"RUN {mounts}{TOOLS}/bin/uv sync --frozen --no-dev --no-editable "
                     "--python python3", why)]
    if installer == "poetry" and spec.fact("installable"):
        return [Step(f"RUN {mounts}{PIP} --no-deps .", why)]
    if installer == "pip" and spec.fact("installable"):
        return [Step(f"RUN {mounts}python3 -m venv {VENV} \\\n    && {PIP} .", why)]
    return []


def build_steps(spec: Any, workdir: str) -> list[Step]:
    mounts, note = secret_mounts(spec), secret_note(spec)
    index_steps, index_mount = _index(spec)
    mounts = index_mount + mounts
    steps = index_steps + [Step(copy_in(dep), MANIFESTS_FIRST) for dep in spec.dependencies]
    steps += _install(spec, mounts, note)
    steps += [Step(copy_in(src)) for src in spec.sources]
    steps += _install_project(spec, mounts, note)
    if spec.extra_build_steps:
        steps.append(Step(f"ENV PATH={VENV}/bin:$PATH",
                          "the build steps run with the virtualenv's packages"))
        steps += extra_steps(spec)
    compiled = [p for p in spec.outputs or spec.sources if p.endswith(("/", ".py"))]
    if compiled:
        argv = ["python3", "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash"]
        steps.append(Step(f"RUN {exec_form([*argv, *compiled])}",
                          "byte-compiled here: the root is read-only at run time"))
    return steps


def final_copies(spec: Any, build_workdir: str) -> list[Step]:
    steps = [Step(f"COPY --from=build --chown=0:0 {VENV} {VENV}",
                  f"{ONLY_WHAT_RUNS}.\n# {OWN}")]
    steps += [Step(copy_in(src, from_stage="build", src_root=build_workdir, chown=True))
              for src in spec.outputs or spec.sources]
    return steps


# --- running and detecting it ----------------------------------------------------------------

def http_probe(url: str) -> list[str]:
    # The URL is passed as an argument, never pasted into the probe's code.
    return ["python3", "-c", "import sys, urllib.request; "
            "urllib.request.urlopen(sys.argv[1], timeout=5)", url]


def detect_version(root: Path) -> Found | None:
    text = (read(root / ".python-version") or "").strip()
    match = re.match(r"^(\d+\.\d+)", text)
    return Found(match.group(1), ".python-version") if match else None


def defaults(root: Path, service: str) -> dict[str, Any]:
    deps = [n for n in ("requirements.txt", "pyproject.toml") if (root / n).is_file()][:1]
    lock = next((n for n in LOCKS if (root / n).is_file()), None)
    if lock and (root / "pyproject.toml").is_file():  # the lock file says the installer
        deps = ["pyproject.toml", lock]
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
    check_build=check_build, plan=plan, installers=INSTALLERS,
    http_probe=http_probe, python_in_image=True,
    seccomp_groups=("python",),
    apparmor_exec=("/usr/{,local/}bin/python3{,.[0-9]*}", f"{VENV}/bin/python3{{,.[0-9]*}}"),
    apparmor_map=(f"{VENV}/**",),
    markers=("requirements.txt", "pyproject.toml"), marker_rank=3,
    dependencies_hint="requirements*.txt, pyproject.toml and uv.lock or poetry.lock",
    asks=frozenset({"build.dependencies", "build.sources"}),
    detect_version=detect_version, defaults=defaults, frameworks=frameworks_of("python"),
)
