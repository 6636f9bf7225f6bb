"""Questions about the network side: the ports the service listens on and how its health is
probed (an HTTP path the interpreter fetches, or a command)."""

from __future__ import annotations

from typing import Any

from generator.runtimes.frameworks import port_from_command
from generator.values import UNPRIVILEGED_PORT_START
from generator.wizard import detect
from generator.wizard.model import HEALTH_KIND, Question, QuestionContext


def _ports_default(ctx: QuestionContext) -> Any:
    """The port the command names (`--port 8000`), else the folder's guess, else 8080."""
    if ctx.described() is not None and (port := port_from_command(ctx.get("command") or [])):
        return [port]
    found = ctx.project.port
    if found:
        return [found.value]
    suggested = ctx.suggested("ports") if ctx.described() is not None else None
    return suggested if suggested is not None else [detect.DEFAULT_PORT]


def _ports_help(ctx: QuestionContext) -> str:
    found = ctx.project.port
    detected = f"Found {found.value} in {found.source}. " if found else ""
    low = ("a port below 1024 lowers the container's net.ipv4.ip_unprivileged_port_start (a "
           "namespaced sysctl) instead of adding NET_BIND_SERVICE, which a non-root process "
           "never holds" if ctx.profile.low_ports else
           f"profile '{ctx.profile.name}' refuses ports below 1024: listen higher and publish "
           "it as the low port")
    return (detected + "Only these are EXPOSEd (B11); compose publishes none on the host "
            f"unless run.publish lists it (R10); {low}.")


def _ports_check(value: list, ctx: QuestionContext) -> str | None:
    low = [p for p in value if p < UNPRIVILEGED_PORT_START]
    if low and not ctx.profile.low_ports:
        return (f"port {low[0]} is below {UNPRIVILEGED_PORT_START} and profile "
                f"'{ctx.profile.name}' does not allow low ports (low_ports): listen on a port "
                f"from {UNPRIVILEGED_PORT_START} up and publish it as {low[0]}")
    return None


def _http_probe(ctx: QuestionContext) -> bool:
    return (runtime := ctx.described()) is not None and runtime.http_probe is not None


def _health_default(ctx: QuestionContext) -> Any:
    return "http" if ctx.get("ports") else "command"


def _uses_http(ctx: QuestionContext) -> bool:
    return _http_probe(ctx) and ctx.get(HEALTH_KIND) == "http"


def _health_command_default(ctx: QuestionContext) -> Any:
    suggested = ctx.suggested("healthcheck.command")
    command = ctx.get("command") or []
    if suggested and command == ctx.suggested("command"):  # detection knows this command
        return suggested
    if (runtime := ctx.described()) and runtime.health_flag and command:
        return [*command, "-healthcheck"]
    return suggested


def _health_command_help(ctx: QuestionContext) -> str:
    run = ctx.run_image()
    if run is not None and not run.shell:
        return ("The final image has no shell and no curl: use the binary's own health flag. "
                "Exit 0 means healthy (B07).")
    if not _http_probe(ctx):
        return ("The image has no HTTP client (and none is added): give a command that exits "
                "0 when healthy, exec form (B07).")
    return "A command that exits 0 when the service is healthy, exec form, no shell (B07)."


def _health_port_choices(ctx: QuestionContext) -> list[tuple[str, Any]]:
    return [(str(p), p) for p in ctx.get("ports") or []]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "ports", "ports", "Ports the service listens on (comma-separated; empty for none)",
        help=_ports_help, default=_ports_default, check=_ports_check,
        depends=("runtime", "command")),
    Question(
        HEALTH_KIND, "select", "Health check",
        help="There is no curl in the image: the interpreter itself probes an HTTP path (B07).",
        choices=lambda ctx: [("an HTTP GET on a path of the service", "http"),
                             ("a command that exits 0 when healthy", "command")],
        default=_health_default, when=_http_probe, depends=("runtime", "ports"),
        required=True),
    Question(
        "healthcheck.http", "text", "Health check path",
        help="Answered with a status below 400 within 5s means healthy.",
        default=lambda ctx: ctx.suggested("healthcheck.http") or "/healthz",
        when=_uses_http, depends=("runtime", HEALTH_KIND),
        required=True),
    Question(
        "healthcheck.port", "select", "Port to probe",
        help="The service listens on several ports: which one answers the health check.",
        choices=_health_port_choices, default=lambda ctx: (ctx.get("ports") or [None])[0],
        when=lambda ctx: _uses_http(ctx) and len(ctx.get("ports") or []) > 1,
        depends=("runtime", "ports", HEALTH_KIND), required=True),
    Question(
        "healthcheck.command", "argv", "Health check command", help=_health_command_help,
        default=_health_command_default,
        when=lambda ctx: not _uses_http(ctx),
        depends=("runtime", HEALTH_KIND, "command"), required=True),
)
