"""The pod of the Kubernetes Deployment: its container (security context, resources, probes,
mounts), the pod's security context and volumes, and the single places that choose its seccomp
and AppArmor profiles. Each hardening setting names its checklist item."""

from __future__ import annotations

import math
import re
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.render.outputs import apparmor, profile_operator
from generator.render.outputs.compose import health_argv
from generator.render.outputs.yamldata import Mapping, mapping, sequence
from generator.render.runspec import kubernetes_secret
from generator.render.spec import Spec
from generator.render.volumes import Volume
from generator.runtimes import RUNTIMES
from generator.values import PORT_START_SYSCTL, SECRETS_DIR

# Services whose start-up is slow get a startup probe (Kubernetes' form of a start period).
SLOW_START_SECONDS = 30
_DURATION_RE = re.compile(r"^([0-9]+)(ms|s|m)$")


def seconds(duration: str) -> int:
    """`30s`, `500ms`, `2m` -> whole seconds, at least 1 (what probe fields take)."""
    match = _DURATION_RE.match(duration)
    if match is None:  # the answers' durations are validated before anything is rendered
        raise ValueError(f"not a duration: {duration!r}")
    amount, unit = match.groups()
    value = int(amount) / 1000 if unit == "ms" else int(amount) * (60 if unit == "m" else 1)
    return max(1, math.ceil(value))


def port_name(port: int) -> str:
    return f"tcp-{port}"


def secret_name(spec: Spec) -> str:
    return kubernetes_secret(spec.service)


def claim_name(spec: Spec, volume: Volume) -> str:
    return f"{spec.service}-{volume.name}"


# --- the single places that choose seccomp and AppArmor profiles ---------------------------------


def seccomp_profile(spec: Spec) -> dict[str, Any]:
    """R04: the pod's seccompProfile.

    The single place Kubernetes chooses a seccomp profile: with `kubernetes.seccomp:
    localhost` (the default) the generated seccomp.json, installed on each node as
    `<kubelet root>/seccomp/tightship/SERVICE.json`; RuntimeDefault otherwise.
    """
    if spec.run.profile_operator:  # the operator's copy of the same rules
        return {"type": "Localhost",
                "localhostProfile": profile_operator.seccomp_localhost(spec)}
    if spec.run.seccomp == "localhost":
        return {"type": "Localhost", "localhostProfile": f"tightship/{spec.service}.json"}
    return {"type": "RuntimeDefault"}


def apparmor_profile(spec: Spec) -> dict[str, Any]:
    """R05: the pod's AppArmor profile: the generated one, loaded on each node with
    `apparmor_parser -r`, when the profile says so (`apparmor.kubernetes`, the default)."""
    if spec.confinement.apparmor_in_kubernetes:
        return {"type": "Localhost", "localhostProfile": apparmor.profile_name(spec)}
    return {"type": "RuntimeDefault"}


def apparmor_annotation_value(profile: dict[str, str]) -> str:
    if profile["type"] == "Localhost":
        return f"localhost/{profile['localhostProfile']}"
    return "runtime/default"


def uses_apparmor_field(spec: Spec) -> bool:
    """`securityContext.appArmorProfile` exists from Kubernetes 1.30; before, an annotation."""
    return spec.run.k8s_minor >= (1, 30)


def _probe(spec: Spec, *, startup: bool = False, delay: int | None = None) -> Mapping:
    """A probe of the image's health check; `delay`: its initialDelaySeconds, if any."""
    h = spec.healthcheck
    if h.http_path:
        action = ("httpGet", mapping(("path", h.http_path), ("port", h.port)))
    else:
        action = ("exec", mapping(("command", sequence(health_argv(spec), flow=True))))
    period = seconds(h.interval)
    if startup:
        period = min(period, 5)
        threshold = math.ceil(seconds(h.start_period) / period) + h.retries
        return mapping(action, ("periodSeconds", period), ("timeoutSeconds", seconds(h.timeout)),
                       ("failureThreshold", threshold))
    return mapping(action, ("initialDelaySeconds", delay), ("periodSeconds", period),
                   ("timeoutSeconds", seconds(h.timeout)), ("failureThreshold", h.retries))


def _slow_start(spec: Spec) -> bool:
    return (seconds(spec.healthcheck.start_period) >= SLOW_START_SECONDS
            or RUNTIMES[spec.runtime].slow_start)


def container(spec: Spec) -> Mapping:
    limits = spec.limits
    caps = list(spec.capabilities)
    capabilities = mapping(
        ("drop", sequence(["ALL"]), "R02: every capability dropped"),
        ("add", sequence([c for c, _ in caps], [f"R02: {why}" for _, why in caps])
         if caps else None),
    )
    security = mapping(
        ("allowPrivilegeEscalation", False, "R03: no privilege gain (no_new_privs)"),
        ("privileged", False, "R01: never privileged"),
        ("readOnlyRootFilesystem", True, "R06: writes only to the declared volumes"),
        ("runAsNonRoot", True, "R12: the kubelet refuses to start it as root"),
        ("runAsUser", spec.user.uid, "R12: the image's UID"),
        ("runAsGroup", spec.user.gid),
        ("capabilities", capabilities),
    )
    amount = {"cpu": DoubleQuotedScalarString(limits.cpus), "memory": limits.memory,
              "ephemeral-storage": limits.ephemeral_storage}
    resources = mapping(
        ("requests", mapping(*amount.items()), "R07: requests equal limits (Guaranteed QoS)"),
        ("limits", mapping(*amount.items()),
         "R07: memory, CPU and disk; processes: the kubelet's podPidsLimit"),
    )
    h = spec.healthcheck
    slow = _slow_start(spec)  # a startup probe then holds the others back, else a delay
    probes = [("livenessProbe", _probe(spec, delay=None if slow else seconds(h.start_period)),
               "R15: the image's health check"),
              ("readinessProbe", _probe(spec), "R15: the image's health check")]
    if slow:
        probes.append(("startupProbe", _probe(spec, startup=True),
                       f"R15: start period {h.start_period}"))
    mounts = [mapping(("name", f"writable-{i}"), ("mountPath", path))
              for i, path in enumerate(spec.writable)]
    mounts += [mapping(("name", f"volume-{v.name}"), ("mountPath", v.path),
                       ("readOnly", True if v.read_only else None)) for v in spec.volumes]
    if spec.secrets:
        mounts.append(mapping(("name", "secrets"), ("mountPath", SECRETS_DIR),
                              ("readOnly", True, "R13: secrets as read-only files")))
    ports = [mapping(("name", port_name(p)), ("containerPort", p), ("protocol", "TCP"))
             for p in spec.ports]
    return mapping(
        ("name", spec.service),
        ("image", spec.run.image.reference,
         "pulled by digest" if spec.run.image.digest else
         "give run.image.digest to pull by digest"),
        ("imagePullPolicy", "Always"),
        ("ports", sequence(ports) if ports else None),
        ("securityContext", security),
        ("resources", resources),
        *probes,
        ("volumeMounts", sequence(mounts) if mounts else None),
    )


def pod_security(spec: Spec) -> Mapping:
    seccomp = seccomp_profile(spec)
    apparmor = apparmor_profile(spec)
    return mapping(
        ("runAsNonRoot", True, "R12: never root"),
        ("runAsUser", spec.user.uid, "R12: the image's non-root UID"),
        ("runAsGroup", spec.user.gid),
        ("fsGroup", spec.user.gid, "volumes are group-owned by the image's GID, so its UID "
         "writes the emptyDirs and claims"),
        ("fsGroupChangePolicy", "OnRootMismatch", "relabel a claim only when its owner is wrong")
        if spec.volumes else ("fsGroupChangePolicy", None),
        ("sysctls", sequence([mapping(("name", PORT_START_SYSCTL),
                                      ("value", DoubleQuotedScalarString(str(spec.port_start))))])
         if spec.port_start is not None else None,
         f"port {spec.port_start} as non-root: a safe, namespaced sysctl (Pod Security "
         "restricted allows it); no capability"),
        ("seccompProfile", mapping(*seccomp.items()), "R04: a seccomp profile, never Unconfined"),
        ("appArmorProfile", mapping(*apparmor.items()), "R05: an AppArmor profile")
        if uses_apparmor_field(spec) else ("appArmorProfile", None),
    )


def pod_volumes(spec: Spec) -> list[Mapping]:
    volumes = [mapping(("name", f"writable-{i}"),
                       ("emptyDir", mapping(("sizeLimit", spec.run.writable_size,
                                             f"R06: {path}, size-limited"))))
               for i, path in enumerate(spec.writable)]
    volumes += [mapping(("name", f"volume-{v.name}"),
                        ("persistentVolumeClaim", mapping(
                            ("claimName", claim_name(spec, v), f"R11: {v.path}, persistent"),
                            ("readOnly", True if v.read_only else None))))
                for v in spec.volumes]
    if spec.secrets:
        items = [mapping(("key", name), ("path", name)) for name in spec.secrets]
        volumes.append(mapping(
            ("name", "secrets"),
            ("secret", mapping(("secretName", secret_name(spec)),
                               ("defaultMode", 0o440, "0440: owner and group read only"),
                               ("items", sequence(items)))),
        ))
    return volumes
