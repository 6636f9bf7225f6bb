"""Questions about the hardening left to choose: the capabilities a profile lets a service add
back (each with its reason), user namespaces on Kubernetes, and the OCI labels that trace the
image to its code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.render.runspec import USER_NAMESPACES_FROM, user_namespaces_default
from generator.wizard.model import Question, QuestionContext

# One line per capability a profile may allow: what adding it back lets the service do.
CAPABILITY_HELP = {
    "NET_BIND_SERVICE": "rarely useful: under no-new-privileges a non-root process never holds "
                        "it (ports below 1024 come from a sysctl instead)",
    "CHOWN": "change the owner of files (rarely needed: the image's files are root-owned)",
    "DAC_OVERRIDE": "read and write files regardless of their permissions",
    "FOWNER": "change permissions of files the service does not own",
    "SETUID": "switch to another user ID",
    "SETGID": "switch to another group ID",
    "KILL": "send signals to processes of other users",
    "NET_RAW": "open raw sockets (ping); also allows spoofing packets",
    "NET_ADMIN": "configure network interfaces and firewall rules",
    "SYS_PTRACE": "trace and inspect other processes",
    "SYS_TIME": "set the system clock",
    "IPC_LOCK": "lock memory (e.g. to keep key material out of swap)",
}


def _capability_choices(ctx: QuestionContext) -> list[tuple[str, Any]]:
    return [(f"{cap}: {CAPABILITY_HELP.get(cap, 'see capabilities(7)')}", cap)
            for cap in ctx.profile.allowed_capabilities]


def _capabilities_default(ctx: QuestionContext) -> Any:
    return {}  # a low port needs none: the sysctl lets the non-root user bind it


def _capabilities_check(value: dict, ctx: QuestionContext) -> str | None:
    for cap in value:
        if cap not in ctx.profile.allowed_capabilities:
            allowed = ", ".join(ctx.profile.allowed_capabilities) or "none"
            return (f"capability {cap} is not allowed by profile '{ctx.profile.name}' "
                    f"(allowed: {allowed}) (R02)")
    return None


def _user_namespaces_help(ctx: QuestionContext) -> str:
    since = ".".join(map(str, USER_NAMESPACES_FROM))
    said = "yes" if user_namespaces_default(ctx.profile) else "no"
    return (f"Kubernetes hostUsers: false: root in the container is not root on the node. Needs "
            f"Kubernetes {since} or later and nodes with ID-mapped mounts; runAsNonRoot and "
            f"runAsUser stay as well. Profile '{ctx.profile.name}' says {said}.")


def _found(attribute: str) -> Callable[[QuestionContext], Any]:
    def default(ctx: QuestionContext) -> Any:
        found = getattr(ctx.project, attribute)
        return found.value if found else None
    return default


QUESTIONS: tuple[Question, ...] = (
    Question(
        "capabilities", "capabilities", "Capabilities to add back",
        help="Every Linux capability is dropped (R02); add one back only with the reason the "
             "service needs it.",
        choices=_capability_choices, default=_capabilities_default,
        when=lambda ctx: bool(ctx.profile.allowed_capabilities), depends=("ports",),
        check=_capabilities_check),
    Question(
        "run.user_namespaces", "select", "User namespaces on Kubernetes",
        help=_user_namespaces_help,
        choices=lambda ctx: [("no: the pod uses the node's user IDs", False),
                             ("yes: hostUsers: false, its own user IDs", True)],
        default=lambda ctx: user_namespaces_default(ctx.profile), required=True,
        follows_profile=True),
    Question(
        "labels.source", "text", "Source repository URL (https; empty to leave out)",
        help="Recorded as an OCI label, so the image can be traced to its code (B13).",
        default=_found("source")),
    Question(
        "labels.version", "text", "Version (empty to leave out)",
        help="Recorded as an OCI label; the commit goes in with --build-arg VCS_REF (B13).",
        default=lambda ctx: ctx.project.version.value if ctx.project.version else "0.1.0"),
)
