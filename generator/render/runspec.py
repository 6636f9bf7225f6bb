"""How the service runs: the part of the Spec read by the compose and Kubernetes outputs.

The answers' `run` section and the profile's `kubernetes` section are checked here (beyond what
their JSON Schemas can say) and frozen into `RunSettings`. Every refusal names the file, line
and field of the value it refuses.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from generator.errors import UserError
from generator.messages import clip, shown
from generator.render.answers import Answers
from generator.render.profiles import Profile
from generator.render.validation import field_error
from generator.runtimes import Error
from generator.values import SECRETS_DIR, normal_path  # R13: one file per secret name
from generator.yamlio import locate


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _Limits(Protocol):
    @property
    def memory(self) -> str: ...
    @property
    def ephemeral_storage(self) -> str: ...


class BuiltService(Protocol):
    """What the run settings read of the Spec (spec.py builds it and imports this module)."""

    @property
    def service(self) -> str: ...
    @property
    def ports(self) -> tuple[int, ...]: ...
    @property
    def labels(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def writable(self) -> tuple[str, ...]: ...
    @property
    def workdir(self) -> str: ...
    @property
    def volumes(self) -> Sequence[_Named]: ...
    @property
    def limits(self) -> _Limits: ...

DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
DEFAULT_HOST_ADDRESS = "127.0.0.1"
DEFAULT_WRITABLE_SIZE = "64Mi"
DEFAULT_K8S_VERSION = "1.35"
# User namespaces (`hostUsers: false`): beta and on by default from Kubernetes 1.33, stable in
# 1.36. Before 1.33 the feature gate is off by default, so the field would be ignored or refused.
USER_NAMESPACES_FROM = (1, 33)
DEFAULT_LOGGING = {"driver": "json-file", "max_size": "10m", "max_file": 3}


def kubernetes_secret(service: str) -> str:
    """The Secret the operator creates with one key per declared secret (values never here)."""
    return f"{service}-secrets"

_UNITS = {"Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3}


class Egress(NamedTuple):
    """One declared egress destination (R14): an address block and the ports reached there."""

    cidr: str
    ports: tuple[int, ...]
    protocol: str  # TCP | UDP


class BuiltImage(NamedTuple):
    """Where the image built from the Dockerfile is pushed, and its digest once known."""

    repository: str
    tag: str
    digest: str | None

    @property
    def reference(self) -> str:
        """By digest when the answers give one (the tag stays for readers), else by tag."""
        if self.digest:
            return f"{self.repository}:{self.tag}@{self.digest}"
        return f"{self.repository}:{self.tag}"


class LogRotation(NamedTuple):
    """Compose's `logging:` (and Podman's log options): a size and a count per container, so a
    chatty service cannot fill the host's disk (the profile's `logging`)."""

    driver: str  # json-file | local
    max_size: str  # Docker's units: 10m, 512k, 1g
    max_file: int


class RunSettings(NamedTuple):
    """How the service runs: published ports, egress, replicas, namespace, logs, Kubernetes."""

    host_address: str  # R10: the host interface published ports bind to
    publish: tuple[tuple[int, int], ...]  # (container port, host port), sorted
    egress: tuple[Egress, ...]
    replicas: int
    image: BuiltImage
    calls_api: bool  # R16
    namespace: str
    writable_size: str  # size limit of each writable tmpfs / emptyDir
    exec_writable: tuple[str, ...]  # writable paths that keep exec (no `noexec`)
    k8s_version: str
    create_namespace: bool  # R17: write namespace.yaml with the restricted labels
    seccomp: str  # "runtime-default" | "localhost" (the generated seccomp profile)
    revision_history: int
    logging: LogRotation
    user_namespaces: bool  # Kubernetes `hostUsers: false`: the container's root is not the node's
    profile_operator: bool  # k8s/ also holds Security Profiles Operator objects for the profiles

    @property
    def k8s_minor(self) -> tuple[int, int]:
        return _minor(self.k8s_version)

    @property
    def has_egress(self) -> bool:
        return bool(self.egress)


def size_bytes(text: str) -> int:
    return int(text[:-2]) * _UNITS[text[-2:]]


def build_run(answers: Answers, profile: Profile, spec: BuiltService) -> RunSettings:
    """Check the answers' `run` section against the Spec and the profile; freeze it."""
    run = answers.data.get("run", {})
    layers = answers.layers

    def error(message: str, *path: Any) -> UserError:
        return field_error(message, layers, list(path))

    def publish_error(message: str, key: str) -> UserError:
        # YAML keeps `8080:` an integer key; the field is still named run.publish.8080
        file, line = locate(layers, ["run", "publish", int(key)])
        return UserError(message, file=file, line=line, field=f"run.publish.{key}")

    k8s = _kubernetes_settings(profile)

    host = run.get("host_address", DEFAULT_HOST_ADDRESS)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise error(f"{shown(host)} is not an IP address: publish ports on a named interface "
                    "such as 127.0.0.1 (R10)", "run", "host_address") from None

    publish: dict[int, int] = {}
    taken: dict[int, int] = {}
    for key, host_port in (run.get("publish") or {}).items():
        port = int(key)
        if port not in spec.ports:
            raise publish_error(f"port {port} is not one of the service's ports "
                                f"({', '.join(map(str, spec.ports)) or 'none'}): only declared "
                                "ports are published (R10)", key)
        if host_port in taken:
            raise publish_error(f"host port {host_port} is already published for port "
                                f"{taken[host_port]}: two ports cannot share it", key)
        taken[host_port] = port
        publish[port] = host_port

    egress = []
    for i, item in enumerate(run.get("egress", [])):
        try:
            network = ipaddress.ip_network(item["cidr"], strict=True)
        except ValueError as exc:
            raise error(f"{shown(item['cidr'])} is not an address block (CIDR): {clip(str(exc))}",
                        "run", "egress", i, "cidr") from None
        if network.prefixlen == 0:
            raise error("egress to every address is not a declared destination: name the "
                        "address blocks the service reaches (R14)", "run", "egress", i, "cidr")
        egress.append(Egress(str(network), tuple(sorted(set(item["ports"]))),
                             item.get("protocol", "TCP")))

    namespace = run.get("namespace", spec.service)
    if not DNS_LABEL_RE.match(namespace):
        raise error(f"{shown(namespace)} is not a DNS label (lowercase letters, digits and '-', "
                    "at most 63 characters)", "run", "namespace")

    image = run.get("image", {})
    repository = image.get("repository", spec.service)
    tag = image.get("tag") or dict(spec.labels).get("version") or "dev"
    built = BuiltImage(repository, tag, image.get("digest"))

    writable_size = run.get("writable_size", DEFAULT_WRITABLE_SIZE)
    _check_writable(spec, writable_size, run, error)
    exec_writable = tuple(normal_path(p) for p in run.get("exec_writable", []))
    for i, path in enumerate(exec_writable):
        if path not in spec.writable:
            raise error(f"{path} is not one of the writable paths", "run", "exec_writable", i)

    replicas = run.get("replicas", 1)
    if spec.volumes and replicas > 1:
        raise error(f"{replicas} replicas cannot share the persistent volume "
                    f"{spec.volumes[0].name} (ReadWriteOnce, one node at a time): run one "
                    "replica", "run", "replicas")

    user_namespaces = bool(run.get("user_namespaces", k8s["user_namespaces"]))
    if user_namespaces and _minor(k8s["version"]) < USER_NAMESPACES_FROM:
        message = (f"user namespaces (hostUsers: false) need Kubernetes 1.33 or later (beta, on "
                   f"by default; stable in 1.36); the profile targets {k8s['version']}")
        if "user_namespaces" in run:
            raise error(message, "run", "user_namespaces")
        raise field_error(message, profile.layers, ["kubernetes", "user_namespaces"])

    return RunSettings(
        host_address=host,
        publish=tuple(sorted(publish.items())),
        egress=tuple(egress),
        replicas=replicas,
        image=built,
        calls_api=bool(run.get("calls_api", False)),
        namespace=namespace,
        writable_size=writable_size,
        exec_writable=exec_writable,
        k8s_version=k8s["version"],
        create_namespace=k8s["create_namespace"],
        seccomp=k8s["seccomp"],
        revision_history=k8s["revision_history"],
        logging=LogRotation(**{**DEFAULT_LOGGING, **(profile.data.get("logging") or {})}),
        user_namespaces=user_namespaces,
        profile_operator=k8s["profile_operator"],
    )


def _minor(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def _check_writable(spec: BuiltService, size: str, run: dict[str, Any],
                    error: Error) -> None:
    """R06: writable paths are separate tmpfs mounts that must not hide the service's files."""
    normal = list(spec.writable)  # normalised by build_spec
    workdir = spec.workdir
    for i, path in enumerate(normal):
        if path == workdir or workdir.startswith(path + "/"):
            raise error(f"{spec.writable[i]} cannot be writable: an empty mount there would "
                        f"hide the service's files in {spec.workdir}; name a folder inside it",
                        "writable", i)
        if path == SECRETS_DIR or path.startswith(SECRETS_DIR + "/") or \
                SECRETS_DIR.startswith(path + "/"):
            raise error(f"{spec.writable[i]} overlaps {SECRETS_DIR}, where secrets are "
                        "mounted read-only (R13)", "writable", i)
        for j, other in enumerate(normal):
            if i != j and other.startswith(path + "/"):
                raise error(f"{spec.writable[j]} is inside {spec.writable[i]}, which is "
                            "already writable: list only one of them", "writable", j)
    total = size_bytes(size) * len(normal)
    if normal and total >= size_bytes(spec.limits.memory):
        # tmpfs pages count against the container's memory limit under compose.
        raise error(f"{len(normal)} writable path(s) of {size} would use the whole memory "
                    f"limit of {spec.limits.memory} (tmpfs is memory)",
                    *(("run", "writable_size") if "writable_size" in run else ("writable",)))
    if normal and total > size_bytes(spec.limits.ephemeral_storage):
        raise error(f"{len(normal)} writable path(s) of {size} exceed the ephemeral storage "
                    f"limit of {spec.limits.ephemeral_storage}",
                    *(("run", "writable_size") if "writable_size" in run else ("writable",)))


def user_namespaces_default(profile: Profile) -> bool:
    """The profile's `kubernetes.user_namespaces`: what a service gets unless its answers say."""
    return bool(_kubernetes_settings(profile)["user_namespaces"])


def _kubernetes_settings(profile: Profile) -> dict[str, Any]:
    k8s = profile.data.get("kubernetes") or {}
    return {
        "version": str(k8s.get("version", DEFAULT_K8S_VERSION)),
        "create_namespace": bool(k8s.get("create_namespace", True)),
        "seccomp": k8s.get("seccomp", "runtime-default"),
        "revision_history": int(k8s.get("revision_history", 3)),
        "user_namespaces": bool(k8s.get("user_namespaces", False)),
        "profile_operator": bool(k8s.get("security_profiles_operator", False)),
    }
