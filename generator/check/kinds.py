"""What kind of file a path holds: from its name, and where the name is not enough, its text.

Discovery asks only the name (so a folder walk opens nothing it will not check); reading asks
the text too (a `.json` file may be a seccomp profile or a Kubernetes manifest).
"""

from __future__ import annotations

import json
import os
import re

from generator import compose_digest
from generator.check.model import (
    APPARMOR,
    COMPOSE,
    DAEMON,
    DOCKERFILE,
    DOCKERIGNORE,
    KUBERNETES,
    PIPELINE,
    SECCOMP,
)
from generator.written import written_documents

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
             ".tox", ".mypy_cache", ".pytest_cache", "vendor"}
NOT_DOCKERFILE_SUFFIXES = {"py", "pyc", "j2", "jinja", "jinja2", "tmpl", "tpl", "md", "rst",
                           "txt", "go", "js", "ts", "json", "yaml", "yml", "sh", "rb", "java",
                           "html", "orig", "rej", "swp", "bak", "toml", "cfg", "ini", "lock"}
APPARMOR_SNIFF = re.compile(r"^\s*(#include\s*<tunables/|abi\s*<|profile\s+\S+.*\{|"
                            r"/\S+\s+(flags=\([^)]*\)\s*)?\{)", re.MULTILINE)


def kind_from_name(name: str) -> str | None:
    base = os.path.basename(name)
    lower = base.lower()
    if lower == ".dockerignore" or lower.endswith(".dockerignore"):  # Dockerfile.dockerignore too
        return DOCKERIGNORE
    if lower in ("dockerfile", "containerfile") or lower.endswith((".dockerfile",
                                                                 ".containerfile")):
        return DOCKERFILE
    if lower.startswith(("dockerfile.", "containerfile.")):
        # Dockerfile.prod is one; dockerfile.py or Dockerfile.j2 (a template) is not
        return None if lower.rsplit(".", 1)[-1] in NOT_DOCKERFILE_SUFFIXES else DOCKERFILE
    if lower == "daemon.json":
        return DAEMON
    if lower.endswith(".sh") or lower in (".gitlab-ci.yml", ".gitlab-ci.yaml") or \
            _in_workflows(name):
        return PIPELINE
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".apparmor", ".aa")) or "apparmor" in name.replace("\\", "/").lower():
        return "text"
    if "." not in base:
        return "text"
    return None


def _in_workflows(name: str) -> bool:
    """A GitHub Actions workflow: .github/workflows/*.yml."""
    parts = name.replace("\\", "/").lower().split("/")
    return len(parts) >= 3 and parts[-3:-1] == [".github", "workflows"] and \
        parts[-1].endswith((".yml", ".yaml"))


def kind_of(name: str, text: str) -> str | None:
    """The kind of a file from its name, and where the name is not enough, its content."""
    kind = kind_from_name(name)
    if kind == "json":
        written = written_documents(text)  # a rendered file: the value it was written from
        try:
            data = written[0] if written else json.loads(text)
        except (ValueError, RecursionError):  # broken: judge by its words, so a broken
            # file is reported
            if re.search(r"\"(defaultAction|syscalls)\"", text):
                return SECCOMP
            return KUBERNETES if re.search(r"\"apiVersion\"", text) and \
                re.search(r"\"kind\"", text) else None
        is_seccomp = isinstance(data, dict) and (
            "defaultAction" in data or isinstance(data.get("syscalls"), list))
        if is_seccomp:
            return SECCOMP
        # a Kubernetes manifest written as JSON (kubectl -o json, generated manifests)
        return KUBERNETES if isinstance(data, dict) and "apiVersion" in data and \
            "kind" in data else None
    if kind == "text":
        return APPARMOR if APPARMOR_SNIFF.search(text) else None
    if kind == "yaml":
        lower = os.path.basename(name).lower()
        if compose_digest.is_override(name, text):
            return None  # the image by digest over compose.yaml, which check judges
        if lower.startswith(("compose", "docker-compose")):
            return COMPOSE
        if re.search(r"^apiVersion\s*:", text, re.MULTILINE) and \
                re.search(r"^kind\s*:", text, re.MULTILINE):
            return KUBERNETES
        if re.search(r"^services\s*:", text, re.MULTILINE):
            return COMPOSE
        return None
    return kind

