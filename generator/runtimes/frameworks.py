"""The frameworks the wizard recognises, and what they say about running the project.

On top of what a runtime's module guesses from its files (its `defaults`), this reads the
declared dependencies and a few source files to propose the command a framework is served with
(gunicorn, uvicorn, Flask, Next.js, ...), the port it listens on (from that command where it
is there, else from the framework's config or the code), the health path the code routes and
the build steps the framework needs. Only small files are read; nothing is run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.runtimes.project import SKIP_DIRS, read, read_json, read_toml

# ---- the port in a command line: `--port 8000`, `--bind 0.0.0.0:8000`, `-b :8000` ----------

_PORT_FLAGS = ("--port", "-p", "--listen")
_BIND_FLAGS = ("--bind", "-b", "--host-port")
_HOST_PORT_RE = re.compile(r"^(?:[\w.-]*|\[[0-9a-fA-F:]*\]):(\d{1,5})$")


def _port(text: str) -> int | None:
    return int(text) if text.isdigit() and 1 <= int(text) <= 65535 else None


def port_from_command(argv: list[str]) -> int | None:
    """The port a command line names, or None; a HOST:PORT argument counts (runserver)."""
    for i, word in enumerate(argv):
        flag, eq, value = word.partition("=")
        if not eq:
            value = argv[i + 1] if i + 1 < len(argv) else ""
        if flag in _PORT_FLAGS and (port := _port(value)):
            return port
        if flag in _BIND_FLAGS and (m := _HOST_PORT_RE.match(value)) and (port := _port(m[1])):
            return port
        if not word.startswith("-") and (m := _HOST_PORT_RE.match(word)):
            if (port := _port(m[1])) and i > 0:
                return port
    return None


# ---- what a project depends on ---------------------------------------------------------------

_REQ_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def python_dependencies(root: Path) -> set[str]:
    pyproject = read_toml(root / "pyproject.toml")
    listed = list((pyproject.get("project") or {}).get("dependencies") or [])
    poetry = ((pyproject.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
    listed += list(poetry) if isinstance(poetry, dict) else []
    for name in ("requirements.txt", "requirements.in"):
        listed += [m for m in _REQ_NAME_RE.findall(read(root / name) or "")]
    return {_normal(re.split(r"[\s\[<>=!~;]", str(d), maxsplit=1)[0]) for d in listed if d}


def node_dependencies(root: Path) -> set[str]:
    package = read_json(root / "package.json")
    found: set[str] = set()
    for key in ("dependencies", "devDependencies"):
        if isinstance(package.get(key), dict):
            found |= set(package[key])
    return found


# ---- finding things in the code --------------------------------------------------------------

def _files(root: Path, suffixes: tuple[str, ...], depth: int = 2) -> list[Path]:
    found: list[Path] = []

    def walk(folder: Path, level: int) -> None:
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_symlink() or entry.name.startswith("."):
                continue
            if entry.is_file() and entry.name.endswith(suffixes):
                found.append(entry)
            elif entry.is_dir() and level < depth and entry.name not in SKIP_DIRS \
                    and entry.name not in ("test", "tests", "__tests__"):
                walk(entry, level + 1)

    walk(root, 0)
    return found[:200]


def _module(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_object(root: Path, constructor: str) -> str | None:
    """`app.main:app` for the first module assigning `NAME = constructor(...)`."""
    pattern = re.compile(rf"^(\w+)\s*(?::\s*\w+\s*)?=\s*{constructor}\(", re.MULTILINE)
    for path in _files(root, (".py",)):
        if match := pattern.search(read(path) or ""):
            return f"{_module(root, path)}:{match.group(1)}"
    return None


_HEALTH_RE = re.compile(r"""["'`]/?(healthz|health|livez|readyz|ping)/?["'`]""")


def health_path(root: Path, suffixes: tuple[str, ...]) -> str | None:
    """The first health-looking route the code names (`"/healthz"`, Django's `"healthz"`)."""
    for path in _files(root, suffixes):
        if match := _HEALTH_RE.search(read(path) or ""):
            return "/" + match.group(1)
    return None


# ---- Python -------------------------------------------------------------------------------

_GUNICORN_BIND_RE = re.compile(r"""^bind\s*=\s*\[?\s*["']([^"']+)["']""", re.MULTILINE)
_STATIC_ROOT_RE = re.compile(r"""^STATIC_ROOT\s*=.*["'](\w+)["']\s*\)?\s*$""", re.MULTILINE)


def _gunicorn_config_port(root: Path) -> int | None:
    match = _GUNICORN_BIND_RE.search(read(root / "gunicorn.conf.py") or "")
    host_port = _HOST_PORT_RE.match(match.group(1)) if match else None
    return _port(host_port.group(1)) if host_port else None


def _django(root: Path, deps: set[str], sources: list[str]) -> dict[str, Any]:
    wsgi = next((p for p in sorted(root.glob("*/wsgi.py"))), None)
    if wsgi is None:
        return {}
    package = wsgi.parent.name
    answers: dict[str, Any] = {}
    if "gunicorn" in deps:
        command = ["gunicorn", f"{package}.wsgi:application"]
        if _gunicorn_config_port(root) is None:
            command += ["--bind", "0.0.0.0:8000"]
        answers["command"] = command
    else:
        answers["command"] = ["python3", "manage.py", "runserver", "0.0.0.0:8000", "--noreload"]
    settings = "".join(read(p) or "" for p in sorted((root / package).glob("*.py")))
    static = _STATIC_ROOT_RE.search(settings)
    if static and (root / "manage.py").is_file():
        step = ["python3", "manage.py", "collectstatic", "--noinput"]
        if (root / package / "build_settings.py").is_file():
            step.append(f"--settings={package}.build_settings")
        answers["build.steps"] = [step]
        answers["build.outputs"] = [*sources, f"{static.group(1)}/"]
    return answers


def python(root: Path, suggested: dict[str, Any]) -> dict[str, Any]:
    deps = python_dependencies(root)
    sources = list(suggested.get("build.sources") or [])
    if (root / "gunicorn.conf.py").is_file() and "gunicorn.conf.py" not in sources:
        sources.append("gunicorn.conf.py")  # gunicorn reads it from the working folder
    answers: dict[str, Any] = {"build.sources": sources} if sources else {}
    if "django" in deps or (root / "manage.py").is_file():
        answers.update(_django(root, deps, sources))
    elif "fastapi" in deps and (app := _app_object(root, "FastAPI")):
        server = "uvicorn" if "uvicorn" in deps or "hypercorn" not in deps else "hypercorn"
        bind = (["--host", "0.0.0.0", "--port", "8000"] if server == "uvicorn"
                else ["--bind", "0.0.0.0:8000"])
        answers["command"] = [server, app, *bind]
    elif "flask" in deps and (app := _app_object(root, "Flask")):
        answers["command"] = (["gunicorn", "--bind", "0.0.0.0:8000", app] if "gunicorn" in deps
                              else ["python3", "-m", "flask", "--app", app, "run", "--host",
                                    "0.0.0.0", "--port", "5000"])
    command = answers.get("command") or suggested.get("command") or []
    port = port_from_command(command) or (_gunicorn_config_port(root)
                                           if command[:1] == ["gunicorn"] else None)
    if port:
        answers["ports"] = [port]
    elif deps and not deps & WEB_PYTHON and not _serves(root):
        answers["ports"] = []  # a worker: nothing listens
        module = str(command[2]) if command[:2] == ["python3", "-m"] and len(command) > 2 else ""
        if module and (root / module.replace(".", "/") / "health.py").is_file():
            answers["healthcheck.command"] = ["python3", "-m", f"{module}.health"]
    if answers.get("ports") and (path := health_path(root, (".py",))):
        answers["healthcheck.http"] = path
    return answers


_SERVER_RE = re.compile(r"HTTPServer|http\.server|socketserver|start_server|\.bind\(|\.listen\(")


def _serves(root: Path) -> bool:
    """Whether the code starts a server of its own (the standard library's, a socket)."""
    return any(_SERVER_RE.search(read(p) or "") for p in _files(root, (".py",)))


WEB_PYTHON = {"django", "fastapi", "flask", "starlette", "uvicorn", "gunicorn", "hypercorn",
              "aiohttp", "tornado", "sanic", "bottle", "falcon", "quart", "litestar", "waitress"}


# ---- Node ---------------------------------------------------------------------------------

_JS_PORT_RES = (
    re.compile(r"""process\.env\.PORT\s*(?:\?\?|\|\|)\s*["'`]?(\d{1,5})"""),
    re.compile(r"""\.listen\(\s*(\d{1,5})\s*[,)]"""),
)


def _run_script(manager: str) -> list[str]:
    return [manager, "run", "build"]


def node(root: Path, suggested: dict[str, Any]) -> dict[str, Any]:
    package = read_json(root / "package.json")
    listed = package.get("scripts")
    scripts: dict[str, Any] = listed if isinstance(listed, dict) else {}
    deps = node_dependencies(root)
    manager = str(package.get("packageManager") or "npm").split("@", 1)[0]
    if manager not in ("npm", "yarn", "pnpm"):
        manager = "npm"
    answers: dict[str, Any] = {}
    sources = list(suggested.get("build.sources") or [])
    if "next" in deps:
        answers["command"] = ["node_modules/.bin/next", "start", "-p", "3000"]
        answers["build.command"] = _run_script(manager)
        answers["build.outputs"] = [".next/", *(["public/"] if (root / "public").is_dir()
                                               else []), "next.config.js"][:2]
    elif isinstance(scripts.get("build"), str):
        answers["build.command"] = _run_script(manager)
        if (root / "tsconfig.json").is_file():
            config = read_json(root / "tsconfig.json").get("compilerOptions") or {}
            out = str(config.get("outDir") or "dist").strip("./") or "dist"
            src = "src/" if (root / "src").is_dir() else None
            sources = ["tsconfig.json", *([src] if src and src not in sources else []),
                       *[s for s in sources if s != f"{out}/"]]
            answers["build.outputs"] = [f"{out}/"]
    if sources != list(suggested.get("build.sources") or []):
        answers["build.sources"] = sources
    port = port_from_command(answers.get("command") or [])
    if port is None:
        for path in _files(root, (".js", ".mjs", ".cjs", ".ts")):
            if "/dist/" in path.as_posix():
                continue
            text = read(path) or ""
            if match := next((m for r in _JS_PORT_RES if (m := r.search(text))), None):
                port = _port(match.group(1))
                break
    if port:
        answers["ports"] = [port]
    if health := health_path(root, (".js", ".mjs", ".cjs", ".ts")):
        answers["healthcheck.http"] = health
    return answers


# ---- Java ---------------------------------------------------------------------------------

def java(root: Path, suggested: dict[str, Any]) -> dict[str, Any]:
    build_files = "".join(read(root / n) or "" for n in
                          ("pom.xml", "build.gradle", "build.gradle.kts"))
    if "spring-boot" not in build_files and "org.springframework.boot" not in build_files:
        return {}
    answers: dict[str, Any] = {}  # the port: Spring Boot's 8080, or application.* (detect_port)
    if "spring-boot-starter-actuator" in build_files:
        answers["healthcheck.http"] = "/actuator/health"
    return answers
