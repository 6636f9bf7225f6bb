"""Guesses about a project folder, used as the wizard's defaults: never as answers.

Everything here only reads small files at the top of the folder (and a few well-known config
files), tolerates anything malformed by guessing nothing, and never runs a tool.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from pathlib import Path

from generator.runtimes import RUNTIMES
from generator.runtimes.project import Found, pom, pom_text, read, read_json, read_toml

# Which file says which runtime, most telling first (each runtime's module ranks its markers).
RUNTIME_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (r.name, r.markers) for r in sorted(RUNTIMES.values(), key=lambda r: r.marker_rank)
    if r.markers)
DEFAULT_PORT = 8080
_DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class Project:
    """What the folder suggests. Runtime-specific guesses come from `runtime_defaults`."""

    root: Path
    runtime: Found | None = None
    port: Found | None = None
    name: Found | None = None
    version: Found | None = None  # the app's own version, for labels.version
    source: Found | None = None  # an https URL of the repository, for labels.source


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
        text = read(root / name)
        if text is not None and (port := port_from_dockerfile(text)):
            return Found(port, name)
    resources = "src/main/resources/"
    for name in (f"{resources}application.properties", "application.properties"):
        text = read(root / name)
        if text and (m := _PROPERTIES_PORT_RE.search(text)) and (port := _valid_port(m[1])):
            return Found(port, name)
    for name in (f"{resources}application.yml", f"{resources}application.yaml",
                 "application.yml", "application.yaml"):
        text = read(root / name)
        if text and (m := _YAML_SERVER_PORT_RE.search(text)) and (port := _valid_port(m[1])):
            return Found(port, name)
    for name in (".env.example", ".env.sample", ".env"):
        text = read(root / name)
        if text and (m := _ENV_PORT_RE.search(text)) and (port := _valid_port(m[1])):
            return Found(port, name)
    return None


# --- name, version, source ---------------------------------------------------------------

def _go_module(root: Path) -> str | None:
    text = read(root / "go.mod")
    match = re.search(r"^module\s+(\S+)", text or "", re.MULTILINE)
    return match.group(1).strip('"') if match else None


def detect_name(root: Path) -> Found | None:
    package = read_json(root / "package.json").get("name")
    if isinstance(package, str) and (label := dns_label(package.rsplit("/", 1)[-1])):
        return Found(label, "package.json")
    project = read_toml(root / "pyproject.toml").get("project", {})
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        if label := dns_label(project["name"]):
            return Found(label, "pyproject.toml")
    module = _go_module(root)
    if module and (label := dns_label(module.rsplit("/", 1)[-1])):
        return Found(label, "go.mod")
    found = pom(root)
    if found is not None and (artifact := pom_text(found, "artifactId")):
        if label := dns_label(artifact):
            return Found(label, "pom.xml")
    if label := dns_label(root.resolve().name):
        return Found(label, "the folder's name")
    return None


def detect_version(root: Path) -> Found | None:
    version = read_json(root / "package.json").get("version")
    if isinstance(version, str) and version:
        return Found(version, "package.json")
    project = read_toml(root / "pyproject.toml").get("project", {})
    if isinstance(project, dict) and isinstance(project.get("version"), str):
        return Found(project["version"], "pyproject.toml")
    found = pom(root)
    if found is not None and (version := pom_text(found, "version")) and "$" not in version:
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
                parser.read_string(read(config) or "")
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
    return RUNTIMES[runtime].detect_version(root) if runtime in RUNTIMES else None


# --- what to build and run, per runtime ----------------------------------------------------

def runtime_defaults(root: Path, runtime: str, service: str) -> dict:
    """Suggested answers (dotted keys) for building and running this project as `runtime`."""
    if runtime not in RUNTIMES:
        return {}
    suggested = RUNTIMES[runtime].defaults(root, service)
    return {**suggested, **RUNTIMES[runtime].frameworks(root, suggested)}


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
