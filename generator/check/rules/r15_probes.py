"""TS-R15: liveness and readiness probes (Kubernetes); compose never turns the check off."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, is_true, pod_spec, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family == COMPOSE:
        for w in workloads(doc):
            health = w.node.get("healthcheck")
            if isinstance(health, dict):
                test = seq(health.get("test")) or [health.get("test")]
                if is_true(health.get("disable")) or str(test[0]).upper() == "NONE":
                    yield at_key(w.node, "healthcheck", f"{w.name} turns its health check off")
        return
    spec = pod_spec(doc)
    if spec is None or doc.kind in ("Job", "CronJob"):
        return  # a run-to-completion pod has nothing to probe
    for container in seq(spec.get("containers")):
        if not isinstance(container, dict):
            continue
        missing = [p for p in ("livenessProbe", "readinessProbe") if p not in container]
        if missing:
            yield at_key(container, "name", f"{container.get('name', '?')} has no "
                                            f"{' or '.join(missing)}")


RULE = Rule(
    id="TS-R15", severity="medium", checklist="R15", kinds=(COMPOSE, KUBERNETES),
    message="no liveness/readiness probe (or the health check is turned off)",
    hint="add livenessProbe and readinessProbe that run the image's health check",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    healthcheck:\n      disable: true\n",
    good="services:\n  app:\n    image: app:1\n    healthcheck:\n      test: [\"CMD\", \"app\", "
         "\"--health\"]\n",
    equivalents=Equivalents(cis="5.26", checkov="CKV_K8S_8, CKV_K8S_9"),
    doc="Whether a probe runs the same command as the image's HEALTHCHECK needs the image; "
        "the generator writes both from one source. Jobs and CronJobs are not probed. Every "
        "long-running container needs both probes, whether or not a Service targets the pod "
        "and whatever its sidecars have (kube-score asks only Service-targeted pods, and one "
        "probe per pod).",
)
