"""Reading a project folder for the wizard's guesses: small files only, never a tool run.

Anything malformed or too large reads as nothing, so a guess is left out rather than wrong.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any, NamedTuple

MAX_READ = 256 * 1024  # config files larger than this are not read
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "env",
             "target", "build", "dist", "out", "bin", ".idea", ".vscode", ".tox",
             ".mypy_cache", ".pytest_cache", "vendor", "k8s", "apparmor"}


class Found(NamedTuple):
    """One guess and the file it came from (shown to the user: "detected from go.mod")."""

    value: object
    source: str


def read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_READ:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def read_json(path: Path) -> dict[str, Any]:
    text = read(path)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_toml(path: Path) -> dict[str, Any]:
    text = read(path)
    if text is None:
        return {}
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]  # 3.11+
    except ModuleNotFoundError:  # Python 3.10: pyproject.toml is then only a marker
        return {}
    try:
        data: dict[str, Any] = tomllib.loads(text)  # untyped under Python 3.10's stubs
    except ValueError:
        return {}
    return data


def pom(root: Path) -> Any:
    """pom.xml's root element, or None."""
    from xml.etree import ElementTree  # only Java projects need it

    text = read(root / "pom.xml")
    if text is None:
        return None
    try:
        return ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None


def pom_text(element: Any, *path: str) -> str | None:
    node = element
    for step in path:
        if node is None:
            return None
        node = next((c for c in node if c.tag.rsplit("}", 1)[-1] == step), None)
    return node.text.strip() if node is not None and node.text else None


def top(root: Path) -> list[Path]:
    try:
        return sorted(root.iterdir(), key=lambda p: p.name)
    except OSError:
        return []


def has_files(folder: Path, suffixes: tuple[str, ...], depth: int = 3) -> bool:
    if depth < 0:
        return False
    try:
        for entry in folder.iterdir():
            if entry.is_file() and entry.name.endswith(suffixes):
                return True
            if entry.is_dir() and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                if has_files(entry, suffixes, depth - 1):
                    return True
    except OSError:
        return False
    return False


def code(root: Path, suffixes: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    """Top-level files and folders holding code: `app/`, `main.go` (folders end in '/')."""
    found = []
    for entry in top(root):
        if entry.name.startswith(".") or entry.name in exclude:
            continue
        if entry.is_dir() and entry.name not in SKIP_DIRS and not entry.is_symlink():
            if has_files(entry, suffixes):
                found.append(entry.name + "/")
        elif entry.is_file() and entry.name.endswith(suffixes):
            found.append(entry.name)
    return found


def locked_managers(deps: list[str], locks: dict[str, str], error: Any) -> list[str]:
    """The package managers whose lock files the dependencies list: at most one."""
    found = sorted({locks[posixpath.basename(d)] for d in deps
                    if posixpath.basename(d) in locks})
    if len(found) > 1:
        raise error(f"build.dependencies hold lock files of {' and '.join(found)}: list one",
                    "build", "dependencies")
    return found
