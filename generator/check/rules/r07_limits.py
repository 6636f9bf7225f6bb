"""TS-R07: memory, CPU and process-count limits (and requests on Kubernetes)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, YamlMap, at_key, get, mapping
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def _compose_missing(service: YamlMap) -> list[str]:
    limits = mapping(get(service, "deploy", "resources", "limits"))
    missing = []
    if "mem_limit" not in service and "memory" not in limits:
        missing.append("memory")
    if "cpus" not in service and "cpu_quota" not in service and "cpus" not in limits:
        missing.append("cpus")
    if "pids_limit" not in service and "pids" not in limits:
        missing.append("pids")
    return missing


def _k8s_missing(container: YamlMap) -> list[str]:
    resources = mapping(container.get("resources"))
    missing = []
    for group in ("limits", "requests"):
        values = mapping(resources.get(group))
        missing += [f"{group}.{r}" for r in ("memory", "cpu") if r not in values]
    return missing


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        missing = _compose_missing(w.node) if w.compose else _k8s_missing(w.node)
        if missing:
            what = f"{w.name} has no {', '.join(missing)} limit" if w.compose else \
                f"{w.name} has no resources {', '.join(missing)}"
            if not w.compose and "resources" in w.node:
                yield at_key(w.node, "resources", what)
            else:
                yield w.here(what)


RULE = Rule(
    id="TS-R07", severity="medium", checklist="R07", kinds=(COMPOSE, KUBERNETES),
    message="no memory, CPU or process-count limit",
    hint="compose: mem_limit, cpus, pids_limit; Kubernetes: resources.limits and "
         "resources.requests for memory and cpu",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    mem_limit: 256m\n",
    good="services:\n  app:\n    image: app:1\n    mem_limit: 256m\n    cpus: 0.5\n"
         "    pids_limit: 128\n",
    equivalents=Equivalents(cis="5.10, 5.11, 5.28",
                            checkov="CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13"),
    doc="Kubernetes has no per-container process limit (the kubelet's podPidsLimit sets it "
        "per node), so only memory and CPU are required there.",
)
