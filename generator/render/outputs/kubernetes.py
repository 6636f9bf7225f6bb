"""k8s/: the service as Kubernetes objects, listed in a kustomization (`kubectl apply -k k8s`).

Namespace (Pod Security Standard `restricted` labels), ServiceAccount, Deployment, Service,
NetworkPolicy and, with more than one replica, a PodDisruptionBudget. Everything comes from the
same Spec as the Dockerfile and compose.yaml, so UID, ports, probes, writable paths and limits
agree. Built as data (yamldata.py) and dumped; each hardening setting names its checklist item.
The pod itself (container, security contexts, volumes) is kubernetes_pod.py's.
"""

from __future__ import annotations

from jinja2 import Environment

from generator.render.outputs import profile_operator
from generator.render.outputs.compose import dump_yaml, header
from generator.render.outputs.kubernetes_pod import (
    apparmor_annotation_value,
    apparmor_profile,
    claim_name,
    container,
    pod_security,
    pod_volumes,
    port_name,
    seccomp_profile,
    secret_name,
    uses_apparmor_field,
)
from generator.render.outputs.yamldata import Mapping, mapping, sequence
from generator.render.spec import Spec
from generator.render.volumes import Volume

FOLDER = "k8s"
NAME_LABEL = "app.kubernetes.io/name"
PSS_LEVEL = "restricted"
# CKV_K8S_31 accepts only RuntimeDefault (or docker/default); the Pod Security Standard
# `restricted` allows a Localhost profile too, which is stricter than the runtime's default.
CHECKOV_LOCALHOST_SECCOMP_SKIP = (
    "CKV_K8S_31=the Pod Security Standard restricted allows a Localhost seccomp profile; "
    "this one is generated for the service and is narrower than RuntimeDefault")


def labels(spec: Spec) -> Mapping:
    return mapping((NAME_LABEL, spec.service), ("app.kubernetes.io/managed-by", "tightship"))


def selector(spec: Spec) -> Mapping:
    return mapping((NAME_LABEL, spec.service))


def metadata(spec: Spec, name: str | None = None, *, namespaced: bool = True) -> Mapping:
    return mapping(("name", name or spec.service),
                   ("namespace", spec.run.namespace if namespaced else None),
                   ("labels", labels(spec)))


# --- objects --------------------------------------------------------------------------------------

def namespace(spec: Spec) -> Mapping:
    version = f"v{spec.run.k8s_version}"
    pss: list[tuple[str, str] | tuple[str, str, str]] = []
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


def service_account(spec: Spec) -> Mapping:
    automount = spec.run.calls_api
    return mapping(
        ("apiVersion", "v1"), ("kind", "ServiceAccount"),
        ("metadata", metadata(spec)),
        ("automountServiceAccountToken", automount,
         "R16: the service calls the Kubernetes API" if automount
         else "R16: no API token: the service does not call the API"),
    )


def deployment(spec: Spec) -> Mapping:
    run = spec.run
    meta = metadata(spec)
    pod_annotations = mapping()
    if seccomp_profile(spec)["type"] == "Localhost":
        meta["annotations"] = mapping(("checkov.io/skip1", CHECKOV_LOCALHOST_SECCOMP_SKIP))
    if not uses_apparmor_field(spec):
        pod_annotations = mapping((
            f"container.apparmor.security.beta.kubernetes.io/{spec.service}",
            apparmor_annotation_value(apparmor_profile(spec)),
            "R05: AppArmor (annotation before Kubernetes 1.30)"))
    template_meta = mapping(("labels", labels(spec)),
                            ("annotations", pod_annotations or None))
    volumes = pod_volumes(spec)
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
        ("securityContext", pod_security(spec)),
        ("containers", sequence([container(spec)])),
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


def _strategy(spec: Spec) -> Mapping:
    """Roll without downtime, unless a ReadWriteOnce claim is mounted: the new pod could not
    attach it while the old one holds it (maxUnavailable: 0 would hang), so stop, then start."""
    if spec.volumes:
        return mapping(("type", "Recreate",
                        "a ReadWriteOnce claim is attached to one pod at a time"))
    return mapping(("type", "RollingUpdate"),
                   ("rollingUpdate", mapping(("maxUnavailable", 0), ("maxSurge", 1))))


def claim(spec: Spec, volume: Volume) -> Mapping:
    return mapping(
        ("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"),
        ("metadata", metadata(spec, claim_name(spec, volume))),
        ("spec", mapping(
            ("accessModes", sequence(["ReadWriteOnce"]), "one node mounts it (one replica)"),
            ("resources", mapping(("requests", mapping(("storage", volume.size))))),
        )),
    )


def service(spec: Spec) -> Mapping:
    ports = [mapping(("name", port_name(p)), ("port", p), ("targetPort", port_name(p)),
                     ("protocol", "TCP")) for p in spec.ports]
    return mapping(
        ("apiVersion", "v1"), ("kind", "Service"),
        ("metadata", metadata(spec)),
        ("spec", mapping(("type", "ClusterIP", "R10: reachable inside the cluster only"),
                         ("selector", selector(spec)),
                         ("ports", sequence(ports)))),
    )


def network_policy(spec: Spec) -> Mapping:
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


def pod_disruption_budget(spec: Spec) -> Mapping:
    return mapping(
        ("apiVersion", "policy/v1"), ("kind", "PodDisruptionBudget"),
        ("metadata", metadata(spec)),
        ("spec", mapping(("maxUnavailable", 1, "voluntary disruptions take one pod at a time"),
                         ("selector", mapping(("matchLabels", selector(spec))))))
    )


def documents(spec: Spec) -> dict[str, tuple[str, Mapping]]:
    """file name -> (what it is, object), in the order kustomize applies them."""
    docs: dict[str, tuple[str, Mapping]] = {}
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


def kustomization(names: list[str]) -> Mapping:
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
