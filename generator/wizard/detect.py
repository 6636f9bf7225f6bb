"""Guesses about a project folder, used as the wizard's defaults: never as answers.

Everything here only reads small files at the top of the folder (and a few well-known config
files), tolerates anything malformed by guessing nothing, and never runs a tool.
"""

from __future__ import annotations

import configparser
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

# Which file says which runtime, most telling first: a Java or Go service often carries a
# package.json for its front-end tooling, a Node service rarely a pom.xml.
RUNTIME_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("java", ("pom.xml", "build.gradle", "build.gradle.kts")),
    ("go", ("go.mod",)),
    ("python", ("requirements.txt", "pyproject.toml")),
    ("node", ("package.json",)),
)
DEFAULT_PORT = 8080
_MAX_READ = 256 * 1024  # config files larger than this are not read
_DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "env",
              "target", "build", "dist", "out", "bin", ".idea", ".vscode", ".tox",
              ".mypy_cache", ".pytest_cache", "vendor", "k8s", "apparmor"}


@dataclass(frozen=True)
class Found:
    """One guess and the file it came from (shown to the user: "detected from go.mod")."""

    value: object
    source: str


@dataclass(frozen=True)
class Project:
    """What the folder suggests. Runtime-specific guesses come from `runtime_defaults`."""

    root: Path
    runtime: Found | None = None
    port: Found | None = None
    name: Found | None = None
    version: Found | None = None  # the app's own version, for labels.version
    source: Found | None = None  # an https URL of the repository, for labels.source


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_READ:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _json(path: Path) -> dict:
    text = _read(path)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _toml(path: Path) -> dict:
    text = _read(path)
    if text is None:
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pyproject.toml is then only a marker
        return {}
    try:
        return tomllib.loads(text)
    except ValueError:
        return {}


def dns_label(text: str) -> str | None:
    """`My_Service.API` → `my-service-api`; None when nothing usable is left."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    label = re.sub(r"-{2,}", "-", label)[:63].strip("-")
    return label if _DNS_LABEL_RE.match(label) else None


def detect_runtime(root: Path) -> Found | None:
    for runtime, markers in RUNTIME_MARKERS:
        for marker in markers:
            if (root / marker).is_file():
                return Found(runtime, marker)
    return None


# --- the port the service listens on ------------------------------------------------------

_EXPOSE_RE = re.compile(r"^\s*EXPOSE\s+(.+)$", re.IGNORECASE | re.MULTILINE)
_PORT_WORD_RE = re.compile(r"^(\d{1,5})(/tcp)?$", re.IGNORECASE)


def _valid_port(text: str) -> int | None:
    if text.isdigit() and 1 <= int(text) <= 65535:
        return int(text)
    return None


def port_from_dockerfile(text: str) -> int | None:
    """The first TCP port an existing Dockerfile EXPOSEs (variables and UDP are skipped)."""
    for match in _EXPOSE_RE.finditer(text):
        for word in match.group(1).split():
            found = _PORT_WORD_RE.match(word)
            if found and _valid_port(found.group(1)):
                return int(found.group(1))
    return None


_PROPERTIES_PORT_RE = re.compile(r"^\s*server\.port\s*[=:]\s*(\d{1,5})\s*$", re.MULTILINE)
_YAML_SERVER_PORT_RE = re.compile(r"^server:\s*\n(?:[ \t]+.*\n)*?[ \t]+port:\s*(\d{1,5})\s*$",
                                  re.MULTILINE)
_ENV_PORT_RE = re.compile(r"^\s*(?:export\s+)?(?:HTTP_)?PORT\s*=\s*[\"']?(\d{1,5})[\"']?\s*$",
                          re.MULTILINE)


def detect_port(root: Path) -> Found | None:
    """An existing Dockerfile's EXPOSE, else a port in a well-known app config file."""
    for name in ("Dockerfile", "Containerfile"):
        text = _read(root / name)
        if text is not None and (port := port_from_dockerfile(text)):
            return Found(port, name)
    resources = "src/main/resources/"
    for name in (f"{resources}application.properties", "application.properties"):
        text = _read(root / name)
        if text and (m := _PROPERTIES_PORT_RE.search(text)) and (port := _valid_port(m[1])):
            return Found(port, name)
    for name in (f"{resources}application.yml", f"{resources}application.yaml",
                 "application.yml", "application.yaml"):
        text = _read(root / name)
        if text and (m := _YAML_SERVER_PORT_RE.search(text)) and (port := _valid_port(m[1])):
            return Found(port, name)
    for name in (".env.example", ".env.sample", ".env"):
        text = _read(root / name)
        if text and (m := _ENV_PORT_RE.search(text)) and (port := _valid_port(m[1])):
            return Found(port, name)
    return None


# --- name, version, source ---------------------------------------------------------------

def _pom(root: Path) -> ElementTree.Element | None:
    text = _read(root / "pom.xml")
    if text is None:
        return None
    try:
        return ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None


def _pom_text(pom: ElementTree.Element, *path: str) -> str | None:
    node: ElementTree.Element | None = pom
    for step in path:
        if node is None:
            return None
        node = next((c for c in node if c.tag.rsplit("}", 1)[-1] == step), None)
    return node.text.strip() if node is not None and node.text else None


def _go_module(root: Path) -> str | None:
    text = _read(root / "go.mod")
    match = re.search(r"^module\s+(\S+)", text or "", re.MULTILINE)
    return match.group(1).strip('"') if match else None


def detect_name(root: Path) -> Found | None:
    package = _json(root / "package.json").get("name")
    if isinstance(package, str) and (label := dns_label(package.rsplit("/", 1)[-1])):
        return Found(label, "package.json")
    project = _toml(root / "pyproject.toml").get("project", {})
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        if label := dns_label(project["name"]):
            return Found(label, "pyproject.toml")
    module = _go_module(root)
    if module and (label := dns_label(module.rsplit("/", 1)[-1])):
        return Found(label, "go.mod")
    pom = _pom(root)
    if pom is not None and (artifact := _pom_text(pom, "artifactId")):
        if label := dns_label(artifact):
            return Found(label, "pom.xml")
    if label := dns_label(root.resolve().name):
        return Found(label, "the folder's name")
    return None


def detect_version(root: Path) -> Found | None:
    version = _json(root / "package.json").get("version")
    if isinstance(version, str) and version:
        return Found(version, "package.json")
    project = _toml(root / "pyproject.toml").get("project", {})
    if isinstance(project, dict) and isinstance(project.get("version"), str):
        return Found(project["version"], "pyproject.toml")
    pom = _pom(root)
    if pom is not None and (version := _pom_text(pom, "version")) and "$" not in version:
        return Found(version, "pom.xml")
    return None


_SCP_LIKE_RE = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")


def https_url(remote: str) -> str | None:
    """A git remote (`git@github.com:o/r.git`, `https://…`, `ssh://…`) as an https URL."""
    remote = remote.strip()
    if remote.startswith(("https://", "http://", "ssh://", "git://")):
        rest = remote.split("://", 1)[1]
        rest = rest.split("@", 1)[-1]  # drop any user (and never keep a token)
        host, _, path = rest.partition("/")
        host = host.split(":", 1)[0]
    elif match := _SCP_LIKE_RE.match(remote):
        host, path = match.group(1), match.group(2)
    else:
        return None
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    if not host or not path or not re.match(r"^[A-Za-z0-9._~/-]+$", path):
        return None
    return f"https://{host}/{path}"


def detect_source(root: Path) -> Found | None:
    """The `origin` remote of the git repository the folder is in, as an https URL."""
    for folder in (root.resolve(), *root.resolve().parents):
        config = folder / ".git" / "config"
        if config.is_file():
            parser = configparser.ConfigParser(strict=False, interpolation=None)
            try:
                parser.read_string(_read(config) or "")
            except configparser.Error:
                return None
            section = 'remote "origin"'
            if parser.has_option(section, "url"):
                url = https_url(parser.get(section, "url"))
                if url:
                    return Found(url, ".git/config")
            return None
    return None


def detect_runtime_version(root: Path, runtime: str) -> Found | None:
    """The runtime version the project asks for, when it says (offered ones win later)."""
    if runtime == "go":
        match = re.search(r"^go\s+(\d+\.\d+)", _read(root / "go.mod") or "", re.MULTILINE)
        return Found(match.group(1), "go.mod") if match else None
    if runtime == "python":
        text = (_read(root / ".python-version") or "").strip()
        match = re.match(r"^(\d+\.\d+)", text)
        return Found(match.group(1), ".python-version") if match else None
    if runtime == "node":
        text = (_read(root / ".nvmrc") or _read(root / ".node-version") or "").strip()
        match = re.match(r"^v?(\d+)", text)
        return Found(match.group(1), ".nvmrc") if match else None
    if runtime == "java":
        pom = _pom(root)
        if pom is not None:
            for key in ("maven.compiler.release", "java.version", "maven.compiler.source"):
                value = _pom_text(pom, "properties", key)
                if value and re.match(r"^\d+$", value):
                    return Found(value, "pom.xml")
    return None


# --- what to build and run, per runtime ----------------------------------------------------

def _top(root: Path) -> list[Path]:
    try:
        return sorted(root.iterdir(), key=lambda p: p.name)
    except OSError:
        return []


def _has_files(folder: Path, suffixes: tuple[str, ...], depth: int = 3) -> bool:
    if depth < 0:
        return False
    try:
        for entry in folder.iterdir():
            if entry.is_file() and entry.name.endswith(suffixes):
                return True
            if entry.is_dir() and entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                if _has_files(entry, suffixes, depth - 1):
                    return True
    except OSError:
        return False
    return False


def _code(root: Path, suffixes: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    """Top-level files and folders holding code: `app/`, `main.go` (folders end in '/')."""
    found = []
    for entry in _top(root):
        if entry.name.startswith(".") or entry.name in exclude:
            continue
        if entry.is_dir() and entry.name not in _SKIP_DIRS and not entry.is_symlink():
            if _has_files(entry, suffixes):
                found.append(entry.name + "/")
        elif entry.is_file() and entry.name.endswith(suffixes):
            found.append(entry.name)
    return found


def _python(root: Path) -> dict:
    deps = [n for n in ("requirements.txt", "pyproject.toml") if (root / n).is_file()][:1]
    sources = _code(root, (".py",), exclude=("setup.py", "conftest.py", "tests", "test"))
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


def _node(root: Path) -> dict:
    deps = ["package.json"] + [n for n in ("package-lock.json", "npm-shrinkwrap.json")
                               if (root / n).is_file()][:1]
    package = _json(root / "package.json")
    sources = _code(root, (".js", ".mjs", ".cjs", ".json"),
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


def _go(root: Path, service: str) -> dict:
    deps = ["go.mod"] + (["go.sum"] if (root / "go.sum").is_file() else [])
    binary = f"/app/{service}"
    return {"build.dependencies": deps,
            "build.sources": _code(root, (".go",)),
            "command": [binary],
            "healthcheck.command": [binary, "-healthcheck"]}


def _java(root: Path) -> dict:
    gradle = next((n for n in ("build.gradle", "build.gradle.kts") if (root / n).is_file()),
                  None)
    if gradle and not (root / "pom.xml").is_file():
        deps = [gradle] + [n for n in ("settings.gradle", "settings.gradle.kts")
                           if (root / n).is_file()]
        wrapper = (root / "gradlew").is_file()
        command = (["./gradlew", "--no-daemon", "-q", "build", "-x", "test"] if wrapper
                   else ["gradle", "--no-daemon", "-q", "build", "-x", "test"])
        if wrapper:
            deps += ["gradlew", "gradle/"]
        artifact = "build/libs/app.jar"
    else:
        deps = ["pom.xml"]
        command = ["mvn", "-B", "-q", "-DskipTests", "package"]
        pom = _pom(root)
        final = _pom_text(pom, "build", "finalName") if pom is not None else None
        artifact_id = _pom_text(pom, "artifactId") if pom is not None else None
        version = _pom_text(pom, "version") if pom is not None else None
        if final and "$" not in final:
            artifact = f"target/{final}.jar"
        elif artifact_id and version and "$" not in artifact_id + version:
            artifact = f"target/{artifact_id}-{version}.jar"
        else:
            artifact = "target/app.jar"
    jar = f"/app/{artifact.rsplit('/', 1)[-1]}"
    sources = ["src/"] if (root / "src").is_dir() else []
    return {"build.dependencies": deps, "build.sources": sources, "build.command": command,
            "build.artifact": artifact, "command": ["java", "-jar", jar],
            "healthcheck.command": ["java", "-jar", jar, "-healthcheck"]}


def _static(root: Path, service: str) -> dict:
    artifact = f"bin/{service}"
    folder = root / "bin"
    if not (root / artifact).is_file() and folder.is_dir():
        binaries = [p.name for p in _top(folder) if p.is_file() and not p.name.startswith(".")]
        if len(binaries) == 1:
            artifact = f"bin/{binaries[0]}"
    binary = f"/app/{artifact.rsplit('/', 1)[-1]}"
    return {"build.artifact": artifact, "command": [binary],
            "healthcheck.command": [binary, "-healthcheck"]}


def _generic(root: Path) -> dict:
    sources = [e.name + "/" for e in _top(root)
               if e.is_dir() and not e.name.startswith(".") and e.name not in _SKIP_DIRS]
    return {"build.sources": sources[:3]}


def runtime_defaults(root: Path, runtime: str, service: str) -> dict:
    """Suggested answers (dotted keys) for building and running this project as `runtime`."""
    if runtime == "python":
        return _python(root)
    if runtime == "node":
        return _node(root)
    if runtime == "go":
        return _go(root, service)
    if runtime == "java":
        return _java(root)
    if runtime == "static":
        return _static(root, service)
    if runtime == "generic":
        return _generic(root)
    return {}


def detect(root: Path) -> Project:
    """Everything the folder suggests; a missing folder (a service yet to be written)
    suggests only its name."""
    root = Path(root)
    if not root.is_dir():
        label = dns_label(root.resolve().name)
        return Project(root=root, name=Found(label, "the folder's name") if label else None)
    return Project(root=root, runtime=detect_runtime(root), port=detect_port(root),
                   name=detect_name(root), version=detect_version(root),
                   source=detect_source(root))
