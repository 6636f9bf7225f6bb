"""The wizard's questions, as data shared with the answers file.

Each Question is one key of `tightship.yaml` (dotted, e.g. `build.dependencies`): its prompt,
the one line that explains the hardening decision behind it, its default (an existing answers
file, then what the folder suggests, then the profile), its choices, when it is asked, how the
typed text becomes a value, and its validator. The validator is the answers file's own JSON
Schema, the subschema of that key: the wizard cannot accept a value `render` would refuse. Rules
that span several answers are `build_spec`'s, checked on the whole answers before the summary.

Nothing here talks to a terminal; `generator/wizard.py` asks the questions.
"""

from __future__ import annotations

import copy
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from generator.render.profiles import Profile
from generator.render.validation import CONTROL_RE, _explain, schema
from generator.resources import SCHEMA_COPY
from generator.runtimes import RUNTIMES, Runtime
from generator.runtimes.frameworks import port_from_command
from generator.values import (
    UNPRIVILEGED_PORT_START,
    looks_secret,
    secret_file_env,
    system_path,
)
from generator.wizard import detect
from generator.yamlio import dotted

ANSWERS_SCHEMA = "answers.schema.json"
HEALTH_KIND = "_health"  # the wizard's own choice (an HTTP path or a command); not written

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


class InvalidTypedValue(ValueError):
    """The typed text cannot become a value of the question's kind."""


@dataclass
class QuestionContext:
    """Everything a question's default, choices and `when` may read."""

    root: Path
    profile: Profile
    project: detect.Project
    answers: dict[str, Any] = field(default_factory=dict)  # dotted key -> value, as answered
    previous: dict[str, Any] = field(default_factory=dict)  # an existing answers file (plain)
    _suggested: dict = field(default_factory=dict, repr=False)  # (runtime, service) -> guesses

    def get(self, key: str, default: Any = None) -> Any:
        return self.answers.get(key, default)

    @property
    def runtime(self) -> str:
        return self.answers.get("runtime", "")

    @property
    def service(self) -> str:
        return self.answers.get("service", "service")

    def suggested(self, key: str) -> Any:
        """What the project folder suggests for `key` under the runtime chosen so far."""
        which = (self.runtime, self.service)
        if which not in self._suggested:
            self._suggested[which] = detect.runtime_defaults(self.root, *which)
        return copy.deepcopy(self._suggested[which].get(key))

    def previously(self, key: str) -> Any:
        """The existing answers file's value of a dotted key (or the wizard's own choice)."""
        if key == HEALTH_KIND:
            health = self.previous.get("healthcheck") or {}
            if health.get("command"):
                return "command"
            return "http" if health.get("http") else None
        return lookup(self.previous, key)

    def run_image(self):
        versions = self.profile.runtimes.get(self.runtime, {})
        version = self.answers.get("version") or next(iter(versions), None)
        images = versions.get(str(version)) if version is not None else None
        return images.run if images else None

    def described(self) -> Runtime | None:
        """The registry's entry for the chosen runtime (None before one is chosen)."""
        return RUNTIMES.get(self.runtime)

    def build_image(self):
        if self.described() is None or not self.described().built:
            return None
        versions = self.profile.runtimes.get(self.runtime, {})
        version = self.answers.get("version") or next(iter(versions), None)
        images = versions.get(str(version)) if version is not None else None
        return images.build if images else None


Help = str | Callable[[QuestionContext], str]


@dataclass(frozen=True)
class Question:
    key: str  # dotted answers key; HEALTH_KIND is the wizard's own
    kind: str  # text | list | argv | steps | ports | env | volumes | select | capabilities
    prompt: str
    help: Help = ""  # one line: why this matters for the hardening
    default: Callable[[QuestionContext], Any] | None = None
    choices: Callable[[QuestionContext], list[tuple[str, Any]]] | None = None  # (title, value)
    when: Callable[[QuestionContext], bool] = lambda ctx: True
    depends: tuple[str, ...] = ()  # answers whose change asks this one again
    required: bool = False  # an empty answer is refused (else it leaves the key out)
    check: Callable[[Any, QuestionContext], str | None] | None = None  # a rule of this field alone

    @property
    def stored(self) -> bool:
        """Whether the answer is a key of the answers file (not the wizard's own choice)."""
        return not self.key.startswith("_")

    def help_text(self, ctx: QuestionContext) -> str:
        return self.help(ctx) if callable(self.help) else self.help

    def suggestion(self, ctx: QuestionContext) -> Any:
        """The default: the existing answers file (if what it hangs on is unchanged), then the
        question's own default (the folder, then the profile)."""
        before = ctx.previously(self.key)
        if before is not None and all(ctx.previously(d) == ctx.get(d) for d in self.depends
                                      if d in ctx.answers):  # (unasked ones changed nothing)
            return copy.deepcopy(before)
        return self.default(ctx) if self.default else None

    def options(self, ctx: QuestionContext) -> list[tuple[str, Any]]:
        return self.choices(ctx) if self.choices else []

    # --- text <-> value --------------------------------------------------------------------

    def parse(self, text: str) -> Any:
        text = text.strip()
        if self.kind == "text":
            return text or None
        if self.kind == "list":
            return [word for word in text.replace(",", " ").split() if word]
        if self.kind == "argv":
            try:
                return shlex.split(text)
            except ValueError as exc:
                raise InvalidTypedValue(f"cannot split into words: {exc} "
                                        "(close the quote)") from None
        if self.kind == "steps":  # commands separated by ';', each split like argv
            try:
                lexer = shlex.shlex(text, posix=True, punctuation_chars=";")
                lexer.whitespace_split = True
                words = list(lexer)
            except ValueError as exc:
                raise InvalidTypedValue(f"cannot split into words: {exc} "
                                        "(close the quote)") from None
            steps: list[list[str]] = [[]]
            for word in words:
                if word == ";":
                    steps.append([])
                else:
                    steps[-1].append(word)
            return [step for step in steps if step]
        if self.kind == "ports":
            ports = []
            for word in text.replace(",", " ").split():
                if not word.isdigit():
                    raise InvalidTypedValue(f"'{word}' is not a port number")
                ports.append(int(word))
            return ports
        if self.kind == "env":
            try:
                words = shlex.split(text)
            except ValueError as exc:
                raise InvalidTypedValue(f"cannot split into words: {exc} "
                                        "(close the quote)") from None
            env: dict[str, str] = {}
            for word in words:
                key, sep, value = word.partition("=")
                if not sep or not key:
                    raise InvalidTypedValue(f"'{word}' is not KEY=VALUE")
                env[key] = value
            return env
        if self.kind == "volumes":
            return [_parse_volume(word) for word in text.replace(",", " ").split()]
        raise ValueError(f"a {self.kind} question has no text form")

    def format(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "text":
            return str(value)
        if self.kind in ("list", "ports"):
            return ", ".join(str(v) for v in value)
        if self.kind == "argv":
            return shlex.join(value)
        if self.kind == "steps":
            return " ; ".join(shlex.join(step) for step in value)
        if self.kind == "env":
            return " ".join(shlex.quote(f"{k}={v}") for k, v in value.items())
        if self.kind == "volumes":
            return " ".join(":".join([v["name"], v["path"], *([v["size"]] if "size" in v else []),
                                      *(["ro"] if v.get("read_only") else [])]) for v in value)
        if self.kind == "select":
            return str(value)
        if self.kind == "capabilities":
            return ", ".join(value) if value else "none"
        return str(value)

    # --- the validator -----------------------------------------------------------------------

    def validate(self, value: Any, ctx: QuestionContext) -> str | None:
        """None when `value` is acceptable; otherwise the message to show."""
        if is_empty(value):
            return "needs an answer" if self.required else None
        if self.stored:
            message = schema_error(self.key, value)
            if message:
                return message
        if self.check:
            return self.check(value, ctx)
        return None


def _parse_volume(word: str) -> dict:
    """`NAME:PATH[:SIZE][:ro]`, e.g. `uploads:/data/uploads:5Gi`."""
    parts = word.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise InvalidTypedValue(f"'{word}' is not NAME:PATH[:SIZE][:ro]")
    volume: dict[str, Any] = {"name": parts[0], "path": parts[1]}
    for extra in parts[2:]:
        if extra == "ro":
            volume["read_only"] = True
        elif extra and "size" not in volume:
            volume["size"] = extra
        else:
            raise InvalidTypedValue(f"'{word}' is not NAME:PATH[:SIZE][:ro]")
    return volume


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def lookup(data: dict, key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# --- the answers file's own schema, key by key --------------------------------------------

@cache
def _subschema_validator(key: str) -> Draft202012Validator:
    root = schema(ANSWERS_SCHEMA)
    node: dict = root
    for part in key.split("."):
        properties = node.get("properties", {})
        if part not in properties:
            raise KeyError(f"the answers schema has no key {key}")
        node = properties[part]
    # "$ref": "#/$defs/..." resolves against the document it sits in: give it the $defs.
    return Draft202012Validator({**node, "$defs": root.get("$defs", {})})


def has_schema_key(key: str) -> bool:
    try:
        _subschema_validator(key)
    except KeyError:
        return False
    return True


def _control(value: Any, path: list) -> list | None:
    if isinstance(value, str):
        return path if CONTROL_RE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()
    for k, v in items:
        if isinstance(k, str) and CONTROL_RE.search(k):
            return path + [k]
        found = _control(v, path + [k])
        if found is not None:
            return found
    return None


def schema_error(key: str, value: Any) -> str | None:
    """The answers schema's verdict on one key's value, worded as `render` words it."""
    bad = _control(value, [])
    if bad is not None:
        return (f"{dotted([*key.split('.'), *bad])}: contains a control character (newline, "
                "NUL, ...); values must be one line of text")
    error = best_match(_subschema_validator(key).iter_errors(value))
    if error is None:
        return None
    path, message = _explain(error)
    return f"{dotted([*key.split('.'), *path])}: {message}"


# --- defaults and checks -------------------------------------------------------------------

def _runtime_choices(ctx: QuestionContext) -> list[tuple[str, Any]]:
    choices = []
    for runtime, versions in ctx.profile.runtimes.items():
        first = next(iter(versions.values()))
        choices.append((f"{runtime:<8} runs on {first.run.ref.written}", runtime))
    return choices


def _runtime_default(ctx: QuestionContext) -> Any:
    offered = list(ctx.profile.runtimes)
    found = ctx.project.runtime
    if found and found.value in offered:
        return found.value
    return offered[0] if offered else None


def _runtime_help(ctx: QuestionContext) -> str:
    found = ctx.project.runtime
    detected = f"Detected {found.value} ({found.source}). " if found else ""
    return (detected + f"Profile '{ctx.profile.name}' offers only approved base images, "
            "pinned by digest (B01, B02).")


def _version_choices(ctx: QuestionContext) -> list[tuple[str, Any]]:
    versions = ctx.profile.runtimes.get(ctx.runtime, {})
    return [(f"{v:<10} runs on {images.run.ref.written}", v) for v, images in versions.items()]


def _version_default(ctx: QuestionContext) -> Any:
    offered = ctx.profile.versions(ctx.runtime)
    wanted = detect.detect_runtime_version(ctx.root, ctx.runtime) if ctx.root.is_dir() else None
    if wanted and str(wanted.value) in offered:
        return str(wanted.value)
    return offered[0] if offered else None


def _dependencies_help(ctx: QuestionContext) -> str:
    what = ctx.described().dependencies_hint if ctx.described() else ""
    return (f"Dependency manifests ({what}): copied and installed first, so that layer is "
            "cached.")


def _sources_help(ctx: QuestionContext) -> str:
    if ctx.described() and not ctx.described().built:
        return ("Copied into the image as they are; the .dockerignore lets nothing else in "
                "(B09). Folders end in '/'.")
    return ("What the build copies besides the manifests; the .dockerignore lets nothing else "
            "in (B09). Folders end in '/'.")


def _artifact_help(ctx: QuestionContext) -> str:
    if ctx.described() and not ctx.described().built:
        return "The prebuilt binary in this folder: the only file copied into the image (B10)."
    return "The jar the build command makes: the only file the final image gets (B10)."


def _command_help(ctx: QuestionContext) -> str:
    line = "Exec form, one process, so signals reach it directly (B12). Quote words with spaces."
    if ctx.described() and ctx.described().binary_named_after_service:
        line += f" The binary is built as /app/{ctx.service}."
    return line


def _command_default(ctx: QuestionContext) -> Any:
    suggested = ctx.suggested("command")
    runs_as = ctx.described().artifact_runs_as if ctx.described() else None
    if runs_as is not None and ctx.get("build.artifact"):
        return runs_as("/app/" + str(ctx.get("build.artifact")).rsplit("/", 1)[-1])
    return suggested


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
    return ctx.described() is not None and ctx.described().http_probe is not None


def _health_default(ctx: QuestionContext) -> Any:
    return "http" if ctx.get("ports") else "command"


def _uses_http(ctx: QuestionContext) -> bool:
    return _http_probe(ctx) and ctx.get(HEALTH_KIND) == "http"


def _health_command_default(ctx: QuestionContext) -> Any:
    suggested = ctx.suggested("healthcheck.command")
    command = ctx.get("command") or []
    if suggested and command == ctx.suggested("command"):  # detection knows this command
        return suggested
    if ctx.described() and ctx.described().health_flag and command:
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


def _has_apt(image) -> bool:
    return image is not None and image.packages == "apt" and image.shell


def _writable_check(value: list, ctx: QuestionContext) -> str | None:
    for path in value:
        if system_path(path):
            return (f"{path} cannot be writable: the root and system folders stay read-only "
                    "(R06)")
    return None


def _volumes_check(value: list, ctx: QuestionContext) -> str | None:
    for volume in value:
        if system_path(volume["path"]):
            return (f"{volume['path']} is inside a system folder: a volume there would replace "
                    "the image's own files (R11)")
    return None


def _env_check(value: dict, ctx: QuestionContext) -> str | None:
    for key, item in value.items():
        if secret_file_env(key, item):
            continue  # names a secret's file; render checks that the secret is declared
        if looks_secret(key):
            return (f"'{key}' looks like a secret: list it under secrets (the next question) "
                    "so it is mounted at run time, never baked into the image (B09)")
    return None


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


def _found(attribute: str) -> Callable[[QuestionContext], Any]:
    def default(ctx: QuestionContext) -> Any:
        found = getattr(ctx.project, attribute)
        return found.value if found else None
    return default


def _asks(key: str) -> Callable[[QuestionContext], bool]:
    """Whether the chosen runtime's build needs the answer `key` (its module says)."""
    return lambda ctx: ctx.described() is not None and key in ctx.described().asks


def _asks_or_suggests(key: str) -> Callable[[QuestionContext], bool]:
    """Asked when the runtime needs it, or the folder (a framework) or the old answers say it."""
    return lambda ctx: (_asks(key)(ctx) or ctx.previously(key) is not None
                        or (ctx.described() is not None and ctx.suggested(key) is not None))


QUESTIONS: tuple[Question, ...] = (
    Question(
        "service", "text", "Service name",
        help="Names the image, the containers and the Kubernetes objects: a DNS label.",
        default=lambda ctx: (ctx.project.name.value if ctx.project.name else "my-service"),
        required=True),
    Question(
        "runtime", "select", "Runtime", help=_runtime_help, choices=_runtime_choices,
        default=_runtime_default, required=True),
    Question(
        "version", "select", "Runtime version",
        help="The profile's approved images for each version; the final image is the run one.",
        choices=_version_choices, default=_version_default,
        # Asked when there is a choice, or when the existing answers file pins a version.
        when=lambda ctx: (len(ctx.profile.versions(ctx.runtime)) > 1
                          or ctx.previously("version") is not None),
        depends=("runtime",), required=True),
    Question(
        "build.dependencies", "list", "Dependency manifests (comma-separated)",
        help=_dependencies_help, default=lambda ctx: ctx.suggested("build.dependencies"),
        when=_asks("build.dependencies"), depends=("runtime",)),
    Question(
        "build.sources", "list", "Sources the build copies (comma-separated)",
        help=_sources_help, default=lambda ctx: ctx.suggested("build.sources"),
        when=_asks("build.sources"), depends=("runtime",)),
    Question(
        "build.command", "argv", "Build command",
        help="Runs in the build stage: the JDK and build tool never reach the final image "
             "(B06).",
        default=lambda ctx: ctx.suggested("build.command"),
        when=_asks_or_suggests("build.command"), depends=("runtime", "build.dependencies"),
        required=True),
    Question(
        "build.package", "text", "Main package to build (./path; empty for the module root)",
        help="The folder of the build context holding `package main`, e.g. ./cmd/server.",
        default=lambda ctx: ctx.suggested("build.package"),
        when=_asks_or_suggests("build.package"), depends=("runtime",)),
    Question(
        "build.steps", "steps", "Extra build steps (commands separated by ';')",
        help="Run in the build stage after the install, exec form (no shell): "
             "collectstatic, asset compilation, code generation.",
        default=lambda ctx: ctx.suggested("build.steps"),
        when=_asks_or_suggests("build.steps"), depends=("runtime",)),
    Question(
        "build.outputs", "list", "What the final image gets from the build (comma-separated)",
        help="Only these reach the final image besides the dependencies (B10).",
        default=lambda ctx: ctx.suggested("build.outputs"),
        when=_asks_or_suggests("build.outputs"), depends=("runtime", "build.steps")),
    Question(
        "build.artifact", "text", "The file that runs", help=_artifact_help,
        default=lambda ctx: ctx.suggested("build.artifact"),
        when=_asks("build.artifact"),
        depends=("runtime", "service", "build.command"), required=True),
    Question(
        "command", "argv", "Command the container runs", help=_command_help,
        default=_command_default, depends=("runtime", "service", "build.artifact"),
        required=True),
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
    Question(
        "packages.run", "list", "Debian packages in the final image (comma-separated)",
        help="Each one is attack surface in the running container: keep this short (B06); "
             "installed without recommends (B04).",
        default=lambda ctx: [], when=lambda ctx: _has_apt(ctx.run_image()),
        depends=("runtime", "version")),
    Question(
        "packages.build", "list", "Debian packages for the build stage only (comma-separated)",
        help="Compilers and headers stay in the build stage; none reach the final image (B06).",
        default=lambda ctx: [], when=lambda ctx: _has_apt(ctx.build_image()),
        depends=("runtime", "version")),
    Question(
        "writable", "list", "Paths the service writes to (comma-separated)",
        help="The root filesystem is read-only (R06): each path here gets a small noexec "
             "tmpfs; a write anywhere else fails.",
        default=lambda ctx: ["/tmp"], check=_writable_check),
    Question(
        "volumes", "volumes",
        "Persistent volumes, NAME:PATH[:SIZE][:ro] (comma-separated; empty for none)",
        help="Data that must survive a restart (uploads, a database file): a named volume "
             "under compose, a PersistentVolumeClaim on Kubernetes, owned by the service's "
             "UID; one replica, replaced (not rolled) on update (R11).",
        default=lambda ctx: [], check=_volumes_check,
        when=lambda ctx: bool(ctx.run_image() and ctx.run_image().shell),
        depends=("runtime", "version")),
    Question(
        "env", "env", "Environment (KEY=VALUE, separated by spaces)",
        help="Baked into the image, readable by anyone who can pull it: non-secret settings "
             "only (B09).",
        default=lambda ctx: {}, check=_env_check),
    Question(
        "secrets", "list", "Secret names (comma-separated; names only, never values)",
        help="Each is mounted read-only at /run/secrets/NAME by compose and Kubernetes, "
             "never stored in the image (R13).",
        default=lambda ctx: []),
    Question(
        "capabilities", "capabilities", "Capabilities to add back",
        help="Every Linux capability is dropped (R02); add one back only with the reason the "
             "service needs it.",
        choices=_capability_choices, default=_capabilities_default,
        when=lambda ctx: bool(ctx.profile.allowed_capabilities), depends=("ports",),
        check=_capabilities_check),
    Question(
        "labels.source", "text", "Source repository URL (https; empty to leave out)",
        help="Recorded as an OCI label, so the image can be traced to its code (B13).",
        default=_found("source")),
    Question(
        "labels.version", "text", "Version (empty to leave out)",
        help="Recorded as an OCI label; the commit goes in with --build-arg VCS_REF (B13).",
        default=lambda ctx: ctx.project.version.value if ctx.project.version else "0.1.0"),
)

BY_KEY = {q.key: q for q in QUESTIONS}


def applicable(ctx: QuestionContext) -> list[Question]:
    """The questions asked for the answers so far, in order."""
    return [q for q in QUESTIONS if q.when(ctx)]


def dependents(key: str) -> list[str]:
    """Keys whose question hangs on `key`, directly or through another answer."""
    found: list[str] = []
    todo = [key]
    while todo:
        current = todo.pop()
        for q in QUESTIONS:
            if current in q.depends and q.key not in found and q.key != key:
                found.append(q.key)
                todo.append(q.key)
    return found


def question_for(field_path: str | None, ctx: QuestionContext) -> Question | None:
    """The asked question that answers an error's field (`build.dependencies[0]`, `env.X`,
    or a whole section such as `build`: then its first asked question)."""
    if not field_path:
        return None
    asked = applicable(ctx)
    parts = field_path.replace("[", ".[").split(".")
    for size in range(len(parts), 0, -1):
        key = ".".join(parts[:size])
        for q in asked:
            if q.key == key:
                return q
    prefix = parts[0] + "."
    return next((q for q in asked if q.key.startswith(prefix)), None)


# --- the answers file the wizard writes -----------------------------------------------------

ANSWERS_FILE = "tightship.yaml"


def _delete(data: dict, key: str) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node.get(part)
        if not isinstance(node, dict):
            return
    node.pop(parts[-1], None)


def _assign(data: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def _prune(data: Any) -> Any:
    if isinstance(data, dict):
        kept = {k: _prune(v) for k, v in data.items()}
        return {k: v for k, v in kept.items() if not is_empty(v)}
    return data


def _ordered(data: Any, node: dict) -> Any:
    """Keys in the schema's order (then any others, sorted): a stable file, diff to diff."""
    if not isinstance(data, dict):
        return data
    properties = node.get("properties") or {}
    keys = [k for k in properties if k in data] + sorted(k for k in data if k not in properties)
    return {k: _ordered(data[k], properties.get(k, {})) for k in keys}


def answers_document(ctx: QuestionContext) -> dict:
    """The answers as the file holds them: every asked key, and whatever an existing file said
    about keys the wizard does not ask (limits, run, ...), which it keeps as they were."""
    data = copy.deepcopy(ctx.previous)
    for q in QUESTIONS:
        if q.stored:
            _delete(data, q.key)
    for q in applicable(ctx):
        if q.stored and q.key in ctx.answers:
            _assign(data, q.key, copy.deepcopy(ctx.answers[q.key]))
    return _ordered(_prune(data), schema(ANSWERS_SCHEMA))


def kept_keys(ctx: QuestionContext) -> list[str]:
    """Keys of an existing answers file that the wizard does not ask about and keeps."""
    asked = {q.key for q in QUESTIONS if q.stored}
    found = []

    def walk(node: Any, prefix: str) -> None:
        for key, value in node.items():
            dotted_key = f"{prefix}{key}"
            if dotted_key in asked:
                continue
            if isinstance(value, dict) and any(a.startswith(dotted_key + ".") for a in asked):
                walk(value, dotted_key + ".")
            else:
                found.append(dotted_key)

    walk(ctx.previous, "")
    return found


def dump_answers(data: dict, *, profile: str) -> str:
    """The answers file's text: a comment header, then the keys in the schema's order.

    Lists of plain values are written in flow style (`ports: [8080]`), mappings as blocks;
    the same answers always give the same bytes.
    """
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def node(value: Any) -> Any:
        if isinstance(value, dict):
            mapping = CommentedMap()
            for k, v in value.items():
                mapping[k] = node(v)
            return mapping
        if isinstance(value, list):
            seq = CommentedSeq(node(v) for v in value)
            if all(not isinstance(v, (dict, list)) for v in value):
                seq.fa.set_flow_style()
            return seq
        return value

    yaml = YAML(typ="rt")
    yaml.width = 4096  # one line per value, however long
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(node(data), stream)
    option = "" if profile == "default" else f" --profile {profile}"
    header = (f"# yaml-language-server: $schema={SCHEMA_COPY['answers']}\n"
              f"# Answers for the {data.get('service', 'service')} service, written by "
              "`tightship new`.\n"
              "# Re-render without prompts (in CI, add --check to fail on drift):\n"
              f"#   tightship render --answers {ANSWERS_FILE}{option}\n"
              f"# Every key is described in {SCHEMA_COPY['answers']}, the installed schema "
              "(tightship schema answers --out).\n")
    return header + stream.getvalue()
