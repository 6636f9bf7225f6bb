"""apparmor/tightship-SERVICE: the service's AppArmor profile (R05), from a jinja2 template.

Docker's own default protections (no mounts, no writes to /proc and /sys, no raw or packet
sockets, signals and ptrace only within the profile) plus what the Spec says: read-only files
with writes only to the declared writable paths, exec only of the runtime and the declared
command, network rules from the declared ports and egress, and only the kept capabilities.
What a runtime executes and maps its module says (generator/runtimes/); the template only
lays it out.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from generator.render.spec import Spec
from generator.render.template_bounds import BoundedSandbox
from generator.render.templates import render_template
from generator.runtimes import RUNTIMES
from generator.values import normal_path

BIN_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
LIB_DIRS = ("/{,usr/}lib{,32,64}/**", "/usr/local/lib/**")
# Only sockets the declared network needs: TCP for ports; DNS (UDP) and TCP for egress.
NETWORK_LISTEN = ("network inet stream", "network inet6 stream")
NETWORK_EGRESS = ("network inet stream", "network inet6 stream", "network inet dgram",
                  "network inet6 dgram", "network netlink raw")


def profile_name(spec: Spec) -> str:
    return f"tightship-{spec.service}"


def file_path(spec: Spec) -> str:
    return f"apparmor/{profile_name(spec)}"


_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9._/@+-]*$")
_SPECIAL = frozenset('\\"*?[]{}^')  # glob characters, the escape and the quote


def literal_path(path: str) -> str:
    """A path from the answers as an AppArmor path that matches it alone, and nothing else.

    Plain when it holds only letters, digits and `._/@+-`; otherwise quoted, with each glob
    character, backslash and quote written as an octal escape (`\\052` for `*`), which the
    parser's lexer turns into that character taken literally. (A backslash escape would do
    for most, but the lexer reads any `\\"` as an escaped quote, even after a backslash:
    `"/a\\\\"` never closes.) Every other character stands for itself inside the quotes.
    """
    if _PLAIN_PATH.match(path):
        return path
    return '"' + "".join(f"\\{ord(c):03o}" if c in _SPECIAL else c for c in path) + '"'


def _program(argv0: str, workdir: str) -> list[str]:
    """Where a command's first word may live: itself if absolute, else each PATH folder."""
    if argv0.startswith("/"):
        found = [normal_path(argv0)]
    elif "/" in argv0:
        found = [normal_path(posixpath.join(workdir, argv0))]
    else:
        found = [f"{d}/{argv0}" for d in BIN_DIRS]
    return [literal_path(p) for p in found]


def executables(spec: Spec) -> list[str]:
    runtime = RUNTIMES[spec.runtime]
    paths = list(runtime.apparmor_exec)
    if runtime.runs_artifact:
        paths.append(spec.artifact_name)
    for argv in (spec.command, spec.healthcheck.command):
        if argv:
            paths += _program(argv[0], spec.workdir)
    return list(dict.fromkeys(paths))


def network_rules(spec: Spec) -> list[str]:
    rules: list[str] = list(NETWORK_LISTEN) if spec.ports else []
    if spec.confinement.egress:
        rules += NETWORK_EGRESS
    return list(dict.fromkeys(rules))


def context(spec: Spec) -> dict[str, Any]:
    writable = list(spec.writable)  # normalised by build_spec
    return {
        "spec": spec,
        "name": profile_name(spec),
        "path": file_path(spec),
        "capabilities": [{"name": cap.lower(), "reason": " ".join(reason.split())}
                         for cap, reason in spec.capabilities],
        "network": network_rules(spec),
        "mappable": [*LIB_DIRS, *RUNTIMES[spec.runtime].apparmor_map],
        "writable": writable,
        "executables": executables(spec),
    }


def render(spec: Spec, env: BoundedSandbox) -> dict[str, str]:
    text = render_template(env, "apparmor/profile.j2", context(spec))
    return {file_path(spec): text}
