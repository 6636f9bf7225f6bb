"""seccomp.json: the service's own seccomp profile (R04), in the format Docker, containerd and
CRI-O load (`docker run --security-opt seccomp=seccomp.json`, a Kubernetes `Localhost` profile).

Everything not listed fails with EPERM (`defaultErrnoRet: 1`). Only the native 64-bit ABIs of
amd64 and arm64 are accepted: no 32-bit compat entry points. The rules come from the Spec's
confinement (the syscall groups chosen for the service); this module only lays them out, with
sorted names and fixed key order so the same inputs always give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment

from generator.render.spec import Spec
from generator.render.syscall_rules import SyscallRule
from generator.written import WrittenText

FILE = "seccomp.json"
DEFAULT_ERRNO = 1  # EPERM
# amd64 and arm64, without their 32-bit sub-architectures (x86, x32, arm).
ARCH_MAP = (("SCMP_ARCH_X86_64", ()), ("SCMP_ARCH_AARCH64", ()))


def profile_json(rules: tuple[SyscallRule, ...] | list[SyscallRule]) -> str:
    document = {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": DEFAULT_ERRNO,
        "archMap": [{"architecture": arch, "subArchitectures": list(subs)}
                    for arch, subs in ARCH_MAP],
        "syscalls": [rule.as_json() for rule in rules],
    }
    # The text carries the document, so the self-check need not parse it back (reading the
    # JSON gives the same value: only dicts, lists, strings and integers are in it).
    return WrittenText(indented_json(document) + "\n", [document])


_ENCODE = json.JSONEncoder(ensure_ascii=True).encode  # one scalar, by json's C encoder


def indented_json(value: Any, indent: str = "\n") -> str:
    """`json.dumps(value, indent=2, ensure_ascii=True)`, byte for byte. With an indent json
    encodes in pure Python (its C encoder does not indent), a tenth of a render's time; here
    the C encoder writes each key and scalar, and only the layout is done in Python."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + inner + ("," + inner).join(
            _ENCODE(key) + ": " + indented_json(item, inner) for key, item in value.items()
        ) + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(
            indented_json(item, inner) for item in value) + indent + "]"
    return _ENCODE(value)


def render(spec: Spec, env: Environment) -> dict[str, str]:
    return {FILE: profile_json(spec.confinement.rules)}
