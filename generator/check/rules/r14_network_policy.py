"""TS-R14: network exposure is explicit (compose networks; Kubernetes default-deny policy)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, get, mapping, pod_metadata, pod_spec, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def _namespace(doc: YamlDoc) -> str:
    return str(get(doc.node, "metadata", "namespace", default="") or "")


def _selects(policy: YamlDoc, doc: YamlDoc) -> bool:
    if _namespace(policy) != _namespace(doc):
        return False
    selector = mapping(get(policy.node, "spec", "podSelector"))
    wanted = mapping(selector.get("matchLabels"))
    labels = mapping(pod_metadata(doc).get("labels"))
    if selector.get("matchExpressions"):
        return True  # too rich to judge here: assume it selects
    return all(str(labels.get(k)) == str(v) for k, v in wanted.items())


def _types(policy: YamlDoc) -> set[str]:
    spec = mapping(get(policy.node, "spec"))
    types = {str(t) for t in seq(spec.get("policyTypes"))}
    if not types:
        types = {"Ingress"} | ({"Egress"} if "egress" in spec else set())
    return types


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family == COMPOSE:
        for w in workloads(doc):
            if "networks" not in w.node and "network_mode" not in w.node:
                yield w.here(f"{w.name} is on the default network, shared with every other "
                             "service")
        return
    if pod_spec(doc) is None:
        return
    if mapping(pod_spec(doc)).get("hostNetwork") is True:
        return  # TS-R09 reports it; no policy applies to host-network pods
    policies = [d for d in doc.bundle if d.kind == "NetworkPolicy" and _selects(d, doc)]
    covered = set().union(*(_types(p) for p in policies)) if policies else set()
    missing = [t for t in ("Ingress", "Egress") if t not in covered]
    if missing:
        name = get(doc.node, "metadata", "name", default="?")
        yield at_key(doc.node, "kind", f"{doc.kind} {name}: no NetworkPolicy restricts its "
                                       f"{' and '.join(m.lower() for m in missing)}")


RULE = Rule(
    id="TS-R14", severity="medium", checklist="R14", kinds=(COMPOSE, KUBERNETES),
    message="network exposure is not explicit (default network; no NetworkPolicy)",
    hint="compose: a network per purpose (internal: true where possible); Kubernetes: a "
         "NetworkPolicy selecting the pods with policyTypes [Ingress, Egress]",
    check=check,
    equivalents=Equivalents(checkov="CKV2_K8S_6"),
    bad="services:\n  app:\n    image: app:1\n",
    good="services:\n  app:\n    image: app:1\n    networks: [backend]\nnetworks:\n"
         "  backend:\n    internal: true\n",
    doc="Kubernetes manifests are judged together with the others deployed with them: the "
        "resources of the same kustomization, or else the files of the same folder.",
)
