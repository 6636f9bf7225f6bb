"""The Spec: answers + profile → one frozen, fully validated description of a service.

Every later step (render, self-check, verify) reads only the Spec. Every check here that
the JSON Schema cannot express names the file, line and field of the offending answer.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from generator.errors import UserError
from generator.messages import clip as shown_path
from generator.render.answers import Answers
from generator.render.confinement import Confinement, build_confinement
from generator.render.profiles import BaseImage, Limits, Profile
from generator.render.runspec import RunSettings, build_run
from generator.render.validation import field_error
from generator.render.volumes import Volume, build_volumes
from generator.runtimes import RUNTIMES, Error
from generator.values import (
    SECRETS_DIR,
    UNPRIVILEGED_PORT_START,
    looks_secret,
    normal_path,
    secret_file_env,
    system_path,
)

DEFAULT_HEALTH = {"interval": "30s", "timeout": "5s", "start_period": "10s", "retries": 3}
_UNITS = {"Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3}


class User(NamedTuple):
    """B03: the fixed, numeric non-root identity the service runs as."""

    name: str
    uid: int
    gid: int
    create: bool  # False when the base image ships it (distroless :nonroot)


class HealthCheck(NamedTuple):
    """The service's health probe: an HTTP path or a command, and its timing."""

    http_path: str | None
    port: int | None
    command: tuple[str, ...] | None
    interval: str
    timeout: str
    start_period: str
    retries: int


class Package(NamedTuple):
    """One OS package the image installs."""

    name: str
    version: str | None  # B04: pinned when the profile pins it

    def __str__(self) -> str:
        return f"{self.name}={self.version}" if self.version else self.name


class CiGate(NamedTuple):
    """What the generated CI gate runs besides render --check and check (profile `ci`)."""

    scan: tuple[str, ...] | None
    sbom: tuple[str, ...] | None
    sbom_file: str
    sbom_attestation: bool  # buildx --sbom
    provenance: str  # buildx --provenance: mode=max, mode=min or false
    without_buildx: str  # fail, or plain (docker build, no attestations)
    push: bool  # push, record the digest, write it where the deployment reads it
    images: tuple[BaseImage, ...]  # the profile's images; the gate verifies those it builds on

    @classmethod
    def from_profile(cls, profile: Profile) -> "CiGate":
        ci = profile.data.get("ci") or {}
        if ci.get("content_trust"):
            raise field_error("Docker Content Trust is retired and checks nothing any more: remove "
                       "it and name each base image's signature (images.KEY.signature)",
                       profile.layers, ["ci", "content_trust"])
        attest = ci.get("attestations") or {}
        return cls(scan=tuple(ci["scan"]) if ci.get("scan") else None,
                   sbom=tuple(ci["sbom"]) if ci.get("sbom") else None,
                   sbom_file=ci.get("sbom_file") or "sbom.spdx.json",
                   sbom_attestation=attest.get("sbom", True),
                   provenance=attest.get("provenance", "mode=max"),
                   without_buildx=attest.get("without_buildx", "fail"),
                   push=bool(ci.get("push", False)),
                   images=tuple(profile.images.values()))


@dataclass(frozen=True)
class BuildTools:
    """The profile's `build_tools` and `package_indexes` (plain data, validated by its schema)."""

    installers: tuple[tuple[str, Any], ...]
    indexes: tuple[tuple[str, Any], ...]

    @classmethod
    def from_profile(cls, profile: Profile) -> "BuildTools":
        """A tool taken from a pinned image gets that image's reference by digest too."""
        data = profile.data
        installers = {}
        for name, tool in (data.get("build_tools") or {}).items():
            image = profile.images.get(tool.get("image", ""))
            installers[name] = {**tool, "image_ref": image.pinned_ref} if image else tool
        return cls(installers=tuple(sorted(installers.items())),
                   indexes=tuple(sorted((data.get("package_indexes") or {}).items())))

    def installer(self, name: str) -> dict[str, Any] | None:
        return dict(self.installers).get(name)

    def index(self, name: str) -> dict[str, Any] | None:
        return dict(self.indexes).get(name)


class Spec(NamedTuple):
    """Everything the templates and writers need to render one service."""

    service: str
    runtime: str
    version: str
    profile: str
    build_image: BaseImage | None
    run_image: BaseImage
    user: User
    workdir: str
    dependencies: tuple[str, ...]
    sources: tuple[str, ...]
    build_command: tuple[str, ...] | None
    extra_build_steps: tuple[tuple[str, ...], ...]  # build.steps, each exec form
    outputs: tuple[str, ...] | None  # build.outputs: what the final stage copies from the build
    build_facts: tuple[tuple[str, Any], ...]  # what the runtime read from the project's files
    tools: BuildTools  # the profile's pinned installers and package indexes
    artifact: str | None
    build_secrets: tuple[str, ...]
    command: tuple[str, ...]
    ports: tuple[int, ...]
    healthcheck: HealthCheck
    run_packages: tuple[Package, ...]
    build_packages: tuple[Package, ...]
    writable: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    secrets: tuple[str, ...]
    capabilities: tuple[tuple[str, str], ...]  # (CAP, reason)
    limits: Limits
    restart_retries: int
    labels: tuple[tuple[str, str], ...]
    confinement: Confinement  # seccomp rules and AppArmor choices (R04, R05)
    ci: CiGate  # the CI gate script's settings, from the profile (C02-C04, H03)
    run: RunSettings  # compose / Kubernetes settings (runspec.py)
    volumes: tuple[Volume, ...] = ()  # persistent data (volumes.py)
    port_start: int | None = None  # the lowered net.ipv4.ip_unprivileged_port_start, if any
    # The answers it was built from, so a refusal of a rendered file can name the answer.
    answers: Answers | None = None

    def fact(self, name: str, default: Any = None) -> Any:
        return dict(self.build_facts).get(name, default)

    @property
    def has_build_stage(self) -> bool:
        return self.build_image is not None

    @property
    def artifact_name(self) -> str:
        """Where the runnable artifact lands in the final image (compiled and static runtimes)."""
        if RUNTIMES[self.runtime].binary_named_after_service and not self.artifact:
            return f"{self.workdir}/{self.service}"
        return f"{self.workdir}/{posixpath.basename(self.artifact or self.service)}"


def memory_bytes(text: str) -> int:
    return int(text[:-2]) * _UNITS[text[-2:]]


def build_spec(answers: Answers, profile: Profile) -> Spec:
    """Check the answers against the profile and freeze them into a Spec."""
    a = answers.data
    layers = answers.layers

    def error(message: str, *path: Any) -> UserError:
        return field_error(message, layers, list(path))

    runtime = a["runtime"]
    offered = profile.versions(runtime)
    if not offered:
        raise error(f"profile '{profile.name}' offers no images for runtime '{runtime}'",
                    "runtime")
    version = str(a.get("version", offered[0]))
    if version not in offered:
        raise error(f"profile '{profile.name}' offers {runtime} {', '.join(offered)}, "
                    f"not {version}", "version")
    images = profile.runtimes[runtime][version]

    build = a.get("build", {})
    build_image = images.build
    if not RUNTIMES[runtime].built:
        build_image = None  # nothing is compiled: the context is copied as it is
    elif build_image is None:
        raise error(f"profile '{profile.name}' names no build image for {runtime} {version}",
                    "runtime")
    facts = _check_build(runtime, build, answers.base_dir, error)
    _check_tool(facts, profile, error)

    run_image = images.run
    if run_image.user is not None:
        user = User("nonroot", run_image.user.uid, run_image.user.gid, create=False)
    else:
        user = User(profile.user_name, profile.uid, profile.gid, create=True)

    ports = tuple(a.get("ports", []))
    low = [p for p in ports if p < UNPRIVILEGED_PORT_START]
    if low and not profile.low_ports:
        raise error(f"port {low[0]} is below {UNPRIVILEGED_PORT_START} and profile "
                    f"'{profile.name}' does not allow low ports (low_ports): listen on a port "
                    f"from {UNPRIVILEGED_PORT_START} up and publish it as {low[0]}",
                    "ports", ports.index(low[0]))
    health = _healthcheck(a.get("healthcheck", {}), ports, runtime, error)

    pkgs = a.get("packages", {})
    for role, image in (("run", run_image), ("build", build_image)):
        if pkgs.get(role) and (image is None or image.packages != "apt" or not image.shell):
            raise error(f"the {role} image has no package manager to install packages with",
                        "packages", role)

    def packages(names: list[str]) -> tuple[Package, ...]:
        return tuple(Package(n, profile.package_pins.get(n)) for n in sorted(names))

    writable = tuple(normal_path(p) for p in a.get("writable", []))
    for i, path in enumerate(writable):
        if system_path(path):
            raise error(f"{shown_path(a['writable'][i])} cannot be writable: the root and "
                        "system folders stay read-only (R06)", "writable", i)
        if path in writable[:i]:
            raise error(f"{shown_path(a['writable'][i])} is listed twice (as {path})",
                        "writable", i)

    env = a.get("env", {})
    declared = set(a.get("secrets", []))
    for key, value in env.items():
        secret = secret_file_env(key, value)
        if secret:
            if secret not in declared:
                raise error(f"'{key}' names {value}, which is not a declared secret: list "
                            f"{secret!r} under secrets, or point it at {SECRETS_DIR}/NAME of "
                            "one that is", "env", key)
            continue
        if secret == "" and looks_secret(key):
            raise error(f"'{key}' looks like a secret's file, but {value!r} is not under "
                        f"{SECRETS_DIR}/: name a declared secret there (R13)", "env", key)
        if looks_secret(key):
            raise error(f"'{key}' looks like a secret: list it under `secrets` so it is "
                        "mounted at run time, never baked into the image (B09)", "env", key)
    caps = a.get("capabilities", {})
    for cap in caps:
        if cap not in profile.allowed_capabilities:
            allowed = ", ".join(profile.allowed_capabilities) or "none"
            raise error(f"capability {cap} is not allowed by profile '{profile.name}' "
                        f"(allowed: {allowed}) (R02)", "capabilities", cap)

    limits = _limits(a.get("limits", {}), profile, error)
    labels = a.get("labels", {})
    fields: dict[str, Any] = dict(
        service=a["service"], runtime=runtime, version=version, profile=profile.name,
        build_image=build_image, run_image=run_image, user=user,
        workdir=normal_path(a.get("workdir", "/app")),
        dependencies=tuple(build.get("dependencies", [])),
        sources=tuple(build.get("sources", [])),
        build_command=tuple(build["command"]) if build.get("command") else None,
        extra_build_steps=tuple(tuple(step) for step in build.get("steps", [])),
        outputs=tuple(build["outputs"]) if build.get("outputs") else None,
        build_facts=tuple(sorted(facts.items())),
        tools=BuildTools.from_profile(profile),
        artifact=build.get("artifact"),
        build_secrets=tuple(build.get("secrets", [])),
        command=tuple(a["command"]), ports=ports, healthcheck=health,
        run_packages=packages(pkgs.get("run", [])),
        build_packages=packages(pkgs.get("build", [])),
        writable=writable,
        env=tuple((k, _env_text(v)) for k, v in sorted(env.items())),
        secrets=tuple(a.get("secrets", [])),
        capabilities=tuple(sorted(caps.items())),
        limits=limits, restart_retries=profile.restart_retries,
        labels=tuple(sorted(labels.items())),
        confinement=build_confinement(a, layers, profile, runtime=runtime, ports=ports,
                                      egress=bool((a.get("run") or {}).get("egress"))),
        ci=CiGate.from_profile(profile),
        port_start=min(low) if low else None,
        volumes=build_volumes(a.get("volumes", []), workdir=a.get("workdir", "/app"),
                              writable=writable, has_shell=run_image.shell, error=error),
    )
    # the run section is checked against the fields it reads, so a Spec always has it
    return Spec(**fields, run=build_run(answers, profile, SimpleNamespace(**fields)),
                answers=answers)


def _check_build(runtime: str, build: dict[str, Any], context: Path,
                 error: Error) -> dict[str, Any]:
    """Refuse what the runtime cannot build; return the facts its plan read from the project."""
    described = RUNTIMES[runtime]
    installer = build.get("installer")
    if installer is not None and installer not in described.installers:
        offered = ", ".join(described.installers) or "none: drop build.installer"
        raise error(f"a {runtime} service installs with {offered}, not {installer}",
                    "build", "installer")
    for key in ("steps", "outputs"):
        if build.get(key) and not described.built:
            raise error(f"a {runtime} service is not built: drop build.{key}", "build", key)
    for key in described.required_build:
        if not build.get(key):
            raise error(f"a {runtime} service needs build.{key}", "build")
    if not described.built and build.get("command"):
        raise error(f"a {runtime} service is not built: drop build.command", "build", "command")
    if described.check_build is not None:
        described.check_build(build, error)
    facts = described.plan(build, context, error) if described.plan is not None else {}
    return facts


def _check_tool(facts: dict[str, Any], profile: Profile, error: Error) -> None:
    tool = facts.get("tool")
    pinned = (profile.data.get("build_tools") or {}).get(tool) if tool else None
    if tool and not pinned:
        raise error(f"{facts.get('installer')} needs {tool} pinned in profile "
                    f"'{profile.name}' (build_tools.{tool})", "build", "dependencies")
    if pinned and pinned.get("image"):
        image = profile.images.get(pinned["image"])
        if image is None:
            raise field_error(f"no image '{pinned['image']}' under images", profile.layers,
                       ["build_tools", tool, "image"])
        if not image.ref.allowed_by(profile.allowed_registries):
            raise field_error(f"image {image.ref.written} is not from an allowed registry (B02)",
                       profile.layers, ["build_tools", tool, "image"])


def _healthcheck(h: dict[str, Any], ports: tuple[int, ...], runtime: str,
                 error: Error) -> HealthCheck:
    if bool(h.get("http")) == bool(h.get("command")):
        raise error("give exactly one of healthcheck.http (a path) or healthcheck.command "
                    "(B07)", "healthcheck")
    port = h.get("port")
    if h.get("http"):
        if port is None:
            if not ports:
                raise error("an HTTP health check needs a port: list it under ports",
                            "healthcheck", "http")
            port = ports[0]
        elif port not in ports:
            raise error(f"port {port} is not one of the service's ports", "healthcheck", "port")
        if RUNTIMES[runtime].http_probe is None:
            raise error(f"the {runtime} image has no HTTP client to probe with (and none is "
                        "added to it): give healthcheck.command, e.g. the binary's own "
                        "health flag", "healthcheck", "http")
    values = {**DEFAULT_HEALTH, **dict(RUNTIMES[runtime].health_timing),
              **{k: h[k] for k in DEFAULT_HEALTH if k in h}}
    return HealthCheck(
        http_path=h.get("http"), port=port,
        command=tuple(h["command"]) if h.get("command") else None,
        interval=values["interval"], timeout=values["timeout"],
        start_period=values["start_period"], retries=values["retries"],
    )


def _limits(asked: dict[str, Any], profile: Profile, error: Error) -> Limits:
    default, ceiling = profile.default_limits, profile.ceiling_limits
    merged = Limits(
        memory=asked.get("memory", default.memory),
        cpus=str(asked.get("cpus", default.cpus)),
        pids=asked.get("pids", default.pids),
        ephemeral_storage=asked.get("ephemeral_storage", default.ephemeral_storage),
    )
    too_much = [
        ("memory", memory_bytes(merged.memory) > memory_bytes(ceiling.memory), ceiling.memory),
        ("cpus", float(merged.cpus) > float(ceiling.cpus), ceiling.cpus),
        ("pids", merged.pids > ceiling.pids, ceiling.pids),
        ("ephemeral_storage", memory_bytes(merged.ephemeral_storage)
         > memory_bytes(ceiling.ephemeral_storage), ceiling.ephemeral_storage),
    ]
    for field, over, most in too_much:
        if over:
            raise error(f"{getattr(merged, field)} is above profile '{profile.name}''s "
                        f"ceiling of {most} (R07)", "limits", field)
    return merged


def _env_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
