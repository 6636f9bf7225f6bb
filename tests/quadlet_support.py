"""Reading a Quadlet unit back: its settings by section, and the `podman run` flags they name."""

from __future__ import annotations

import shlex
from pathlib import Path


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Section -> [(key, value)] in order; keys may repeat (Tmpfs=, Volume=, …)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None and "=" in line, f"line {number}: {line!r}"
        key, value = line.split("=", 1)
        current.append((key, value))
    return sections


def values(unit: dict, key: str, section: str = "Container") -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def one(unit: dict, key: str, section: str = "Container") -> str:
    (value,) = values(unit, key, section)
    return value


def specifiers(value: str, home: Path) -> str:
    """What systemd passes on: `%h` is the home folder, `%%` a literal `%`."""
    return value.replace("%%", "\0").replace("%h", str(home)).replace("\0", "%")


def unquote(value: str) -> str:
    (word,) = shlex.split(value)
    return word


def podman_run_flags(unit: dict, home: Path) -> list[str]:
    """The unit's [Container] settings as `podman run` options, as Quadlet would pass them
    (Image=, Network= and PublishPort= are left to the caller)."""
    flags: list[str] = []
    translate = {
        "User": lambda v: [],  # with Group= below
        "Group": lambda v: [f"--user={one(unit, 'User')}:{v}"],
        "ReadOnly": lambda v: ["--read-only"] if v == "true" else [],
        "Tmpfs": lambda v: [f"--tmpfs={specifiers(v, home)}"],
        "DropCapability": lambda v: [f"--cap-drop={v}"],
        "AddCapability": lambda v: [f"--cap-add={v}"],
        "NoNewPrivileges": lambda v: ["--security-opt=no-new-privileges"] if v == "true" else [],
        "SeccompProfile": lambda v: [f"--security-opt=seccomp={specifiers(v, home)}"],
        "Volume": lambda v: [f"--volume={specifiers(v, home)}"],
        "Secret": lambda v: [f"--secret={v}"],
        "Environment": lambda v: [f"--env={specifiers(unquote(v), home)}"],
        "HealthCmd": lambda v: [f"--health-cmd={specifiers(v, home)}"],
        "HealthInterval": lambda v: [f"--health-interval={v}"],
        "HealthTimeout": lambda v: [f"--health-timeout={v}"],
        "HealthStartPeriod": lambda v: [f"--health-start-period={v}"],
        "HealthRetries": lambda v: [f"--health-retries={v}"],
        "PodmanArgs": lambda v: shlex.split(specifiers(v, home)),
        "ContainerName": lambda v: [],  # the caller names the container
    }
    for key, value in unit["Container"]:
        if key in ("Image", "Network", "PublishPort"):
            continue
        flags += translate[key](value)  # an unknown key is a KeyError: the test must learn it
    return flags
