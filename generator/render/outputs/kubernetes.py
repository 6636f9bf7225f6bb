"""k8s/: the service as Kubernetes objects, listed in a kustomization (`kubectl apply -k k8s`).

Namespace (Pod Security Standard `restricted` labels), ServiceAccount, Deployment, Service,
NetworkPolicy and, with more than one replica, a PodDisruptionBudget. Everything comes from the
same Spec as the Dockerfile and compose.yaml, so UID, ports, probes, writable paths and limits
agree. Built as data and dumped with ruamel.yaml; each hardening setting names its checklist item.
"""

from __future__ import annotations

import math
import re

from jinja2 import Environment
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.render.outputs import apparmor, profile_operator
from generator.render.outputs.compose import dump_yaml, header, health_argv, mapping, sequence
from generator.render.runspec import SECRETS_DIR, kubernetes_secret
from generator.render.spec import Spec
from generator.runtimes import RUNTIMES
from generator.values import PORT_START_SYSCTL

FOLDER = "k8s"
NAME_LABEL = "app.kubernetes.io/name"
# Services whose start-up is slow get a startup probe (Kubernetes' form of a start period).
SLOW_START_SECONDS = 30
PSS_LEVEL = "restricted"
# CKV_K8S_31 accepts only RuntimeDefault (or docker/default); the Pod Security Standard
# `restricted` allows a Localhost profile too, which is stricter than the runtime's default.
CHECKOV_LOCALHOST_SECCOMP_SKIP = (
    "CKV_K8S_31=the Pod Security Standard restricted allows a Localhost seccomp profile; "
    "this one is generated for the service and is narrower than RuntimeDefault")
_DURATION_RE = re.compile(r"^([0-9]+)(ms|s|m)$")


def seconds(duration: str) -> int:
    """`30s`, `500ms`, `2m` -> whole seconds, at least 1 (what probe fields take)."""
    amount, unit = _DURATION_RE.match(duration).groups()
    value = int(amount) / 1000 if unit == "ms" else int(amount) * (60 if unit == "m" else 1)
    return max(1, math.ceil(value))


def labels(spec: Spec) -> CommentedMap:
    return mapping((NAME_LABEL, spec.service), ("app.kubernetes.io/managed-by", "tightship"))


def selector(spec: Spec) -> CommentedMap:
    return mapping((NAME_LABEL, spec.service))


def metadata(spec: Spec, name: str | None = None, *, namespaced: bool = True) -> CommentedMap:
    return mapping(("name", name or spec.service),
                   ("namespace", spec.run.namespace if namespaced else None),
                   ("labels", labels(spec)))


def port_name(port: int) -> str:
    return f"tcp-{port}"


def secret_name(spec: Spec) -> str:
    return kubernetes_secret(spec.service)


def claim_name(spec: Spec, volume) -> str:
    return f"{spec.service}-{volume.name}"


# --- the single places that choose seccomp and AppArmor profiles ---------------------------------

def seccomp_profile(spec: Spec) -> dict:
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


def apparmor_profile(spec: Spec) -> dict:
    """R05: the pod's AppArmor profile: the generated one, loaded on each node with
    `apparmor_parser -r`, when the profile says so (`apparmor.kubernetes`, the default)."""
    if spec.confinement.apparmor_in_kubernetes:
        return {"type": "Localhost", "localhostProfile": apparmor.profile_name(spec)}
    return {"type": "RuntimeDefault"}


def _apparmor_annotation_value(profile: dict) -> str:
    if profile["type"] == "Localhost":
        return f"localhost/{profile['localhostProfile']}"
    return "runtime/default"


def _uses_apparmor_field(spec: Spec) -> bool:
    """`securityContext.appArmorProfile` exists from Kubernetes 1.30; before, an annotation."""
    return spec.run.k8s_minor >= (1, 30)


# --- objects --------------------------------------------------------------------------------------

def namespace(spec: Spec) -> CommentedMap:
    version = f"v{spec.run.k8s_version}"
    pss = []
    for mode in ("enforce", "audit", "warn"):
        pss.append((f"pod-security.kubernetes.io/{mode}", PSS_LEVEL,
                    f"R17: Pod Security Standard {PSS_LEVEL} ({mode})"))
        pss.append((f"pod-security.kubernetes.io/{mode}-version", version))
    return mapping(
        ("apiVersion", "v1"), ("kind", "Namespace"),
        ("metadata", mapping(("name", spec.run.namespace),
                             ("labels", mapping(*pss, ("app.kubernetes.io/managed-by",
                                                       "tightship"))))),
    )


def service_account(spec: Spec) -> CommentedMap:
    automount = spec.run.calls_api
    return mapping(
        ("apiVersion", "v1"), ("kind", "ServiceAccount"),
        ("metadata", metadata(spec)),
        ("automountServiceAccountToken", automount,
         "R16: the service calls the Kubernetes API" if automount
         else "R16: no API token: the service does not call the API"),
    )


def _probe(spec: Spec, *, startup: bool = False) -> CommentedMap:
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
    return mapping(action, ("periodSeconds", period), ("timeoutSeconds", seconds(h.timeout)),
                   ("failureThreshold", h.retries))


def _slow_start(spec: Spec) -> bool:
    return (seconds(spec.healthcheck.start_period) >= SLOW_START_SECONDS
            or RUNTIMES[spec.runtime].slow_start)


def _container(spec: Spec) -> CommentedMap:
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
    probes = [("livenessProbe", _probe(spec), "R15: the image's health check"),
              ("readinessProbe", _probe(spec), "R15: the image's health check")]
    h = spec.healthcheck
    if _slow_start(spec):
        probes.append(("startupProbe", _probe(spec, startup=True),
                       f"R15: start period {h.start_period}"))
    else:
        probes[0][1].insert(1, "initialDelaySeconds", seconds(h.start_period))
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


def _pod_security(spec: Spec) -> CommentedMap:
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
        if _uses_apparmor_field(spec) else ("appArmorProfile", None),
    )


def _volumes(spec: Spec) -> list[CommentedMap]:
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


def deployment(spec: Spec) -> CommentedMap:
    run = spec.run
    meta = metadata(spec)
    pod_annotations = CommentedMap()
    if seccomp_profile(spec)["type"] == "Localhost":
        meta["annotations"] = mapping(("checkov.io/skip1", CHECKOV_LOCALHOST_SECCOMP_SKIP))
    if not _uses_apparmor_field(spec):
        pod_annotations[f"container.apparmor.security.beta.kubernetes.io/{spec.service}"] = \
            _apparmor_annotation_value(apparmor_profile(spec))
        pod_annotations.yaml_add_eol_comment("R05: AppArmor (annotation before Kubernetes 1.30)",
                                             next(iter(pod_annotations)))
    template_meta = mapping(("labels", labels(spec)),
                            ("annotations", pod_annotations or None))
    volumes = _volumes(spec)
    pod = mapping(
        ("serviceAccountName", spec.service, "R16: its own identity"),
        ("automountServiceAccountToken", run.calls_api,
         "tightship: ignore TS-R16 R16: the service calls the Kubernetes API (run.calls_api)"
         if run.calls_api else "R16: no API token in the pod"),
        ("enableServiceLinks", False),
        ("hostNetwork", False, "R09: no host network"),
        ("hostPID", False, "R09: no host PID namespace"),
        ("hostIPC", False, "R09: no host IPC namespace"),
        ("hostUsers", False, "user namespace: the container's root is not the node's "
         "(Kubernetes 1.33+)") if run.user_namespaces else ("hostUsers", None),
        ("securityContext", _pod_security(spec)),
        ("containers", sequence([_container(spec)])),
        ("volumes", sequence(volumes) if volumes else None),
    )
    return mapping(
        ("apiVersion", "apps/v1"), ("kind", "Deployment"),
        ("metadata", meta),
        ("spec", mapping(
            ("replicas", run.replicas),
            ("revisionHistoryLimit", run.revision_history),
            ("selector", mapping(("matchLabels", selector(spec)))),
            ("strategy", _strategy(spec)),
            ("template", mapping(("metadata", template_meta), ("spec", pod))),
        )),
    )


def _strategy(spec: Spec) -> CommentedMap:
    """Roll without downtime, unless a ReadWriteOnce claim is mounted: the new pod could not
    attach it while the old one holds it (maxUnavailable: 0 would hang), so stop, then start."""
    if spec.volumes:
        return mapping(("type", "Recreate",
                        "a ReadWriteOnce claim is attached to one pod at a time"))
    return mapping(("type", "RollingUpdate"),
                   ("rollingUpdate", mapping(("maxUnavailable", 0), ("maxSurge", 1))))


def claim(spec: Spec, volume) -> CommentedMap:
    return mapping(
        ("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"),
        ("metadata", metadata(spec, claim_name(spec, volume))),
        ("spec", mapping(
            ("accessModes", sequence(["ReadWriteOnce"]), "one node mounts it (one replica)"),
            ("resources", mapping(("requests", mapping(("storage", volume.size))))),
        )),
    )


def service(spec: Spec) -> CommentedMap:
    ports = [mapping(("name", port_name(p)), ("port", p), ("targetPort", port_name(p)),
                     ("protocol", "TCP")) for p in spec.ports]
    return mapping(
        ("apiVersion", "v1"), ("kind", "Service"),
        ("metadata", metadata(spec)),
        ("spec", mapping(("type", "ClusterIP", "R10: reachable inside the cluster only"),
                         ("selector", selector(spec)),
                         ("ports", sequence(ports)))),
    )


def network_policy(spec: Spec) -> CommentedMap:
    ingress = sequence([mapping(("ports", sequence(
        [mapping(("port", p), ("protocol", "TCP")) for p in spec.ports])))]
        if spec.ports else [])
    dns = mapping(
        ("to", sequence([mapping(
            ("namespaceSelector", mapping(("matchLabels", mapping(
                ("kubernetes.io/metadata.name", "kube-system"))))),
            ("podSelector", mapping(("matchLabels", mapping(("k8s-app", "kube-dns"))))),
        )])),
        ("ports", sequence([mapping(("port", 53), ("protocol", "UDP")),
                            mapping(("port", 53), ("protocol", "TCP"))])),
    )
    egress = [dns]
    for item in spec.run.egress:
        egress.append(mapping(
            ("to", sequence([mapping(("ipBlock", mapping(("cidr", item.cidr))))])),
            ("ports", sequence([mapping(("port", p), ("protocol", item.protocol))
                                for p in item.ports])),
        ))
    egress_seq = sequence(egress)
    return mapping(
        ("apiVersion", "networking.k8s.io/v1"), ("kind", "NetworkPolicy"),
        ("metadata", metadata(spec)),
        ("spec", mapping(
            ("podSelector", mapping(("matchLabels", selector(spec)))),
            ("policyTypes", sequence(["Ingress", "Egress"]),
             "R14: default deny both ways; only what is listed below"),
            ("ingress", ingress, "R14: the declared ports" if spec.ports
             else "R14: no ingress: the service declares no ports"),
            ("egress", egress_seq, "R14: DNS and the declared destinations"
             + ("; list the API server's address under run.egress" if spec.run.calls_api
                and not spec.run.egress else "")),
        )),
    )


def pod_disruption_budget(spec: Spec) -> CommentedMap:
    return mapping(
        ("apiVersion", "policy/v1"), ("kind", "PodDisruptionBudget"),
        ("metadata", metadata(spec)),
        ("spec", mapping(("maxUnavailable", 1, "voluntary disruptions take one pod at a time"),
                         ("selector", mapping(("matchLabels", selector(spec))))))
    )


def documents(spec: Spec) -> dict[str, tuple[str, CommentedMap]]:
    """file name -> (what it is, object), in the order kustomize applies them."""
    docs: dict[str, tuple[str, CommentedMap]] = {}
    if spec.run.create_namespace:
        docs["namespace.yaml"] = ("the namespace", namespace(spec))
    docs["serviceaccount.yaml"] = ("the service account", service_account(spec))
    for volume in spec.volumes:
        docs[f"pvc-{volume.name}.yaml"] = (f"the claim for {volume.path}", claim(spec, volume))
    docs.update(profile_operator.documents(spec))  # before the pod that names them
    docs["deployment.yaml"] = ("the deployment", deployment(spec))
    if spec.ports:
        docs["service.yaml"] = ("the service", service(spec))
    docs["networkpolicy.yaml"] = ("the network policy", network_policy(spec))
    if spec.run.replicas > 1:
        docs["pdb.yaml"] = ("the disruption budget", pod_disruption_budget(spec))
    return docs


def kustomization(names: list[str]) -> CommentedMap:
    return mapping(
        ("apiVersion", "kustomize.config.k8s.io/v1beta1"), ("kind", "Kustomization"),
        ("resources", sequence(names)),
    )


def render(spec: Spec, env: Environment) -> dict[str, str]:
    docs = documents(spec)
    notes = [f"Target Kubernetes {spec.run.k8s_version}. Apply with `kubectl apply -k {FOLDER}`."]
    if spec.secrets:
        notes.append(f"R13: create the Secret {secret_name(spec)} (keys: "
                     f"{', '.join(spec.secrets)}) before the first rollout; values never go "
                     "in these files.")
    files = {f"{FOLDER}/kustomization.yaml": dump_yaml(
        kustomization(list(docs)), header(spec, "the Kubernetes objects", *notes))}
    for name, (what, doc) in docs.items():
        files[f"{FOLDER}/{name}"] = dump_yaml(doc, header(spec, what))
    return files
