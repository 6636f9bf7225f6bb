"""TS-R02: all capabilities dropped."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, get, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            dropped = [str(c).upper() for c in seq(w.node.get("cap_drop"))]
            where, key = w.node, "cap_drop"
        else:
            caps = get(w.security(), "capabilities")
            dropped = [str(c).upper() for c in seq(get(caps, "drop"))]
            where, key = (caps, "drop") if isinstance(caps, dict) else (w.security(),
                                                                        "capabilities")
        if "ALL" not in dropped:
            if key in where:
                yield at_key(where, key, f"{w.name} does not drop ALL capabilities")
            else:
                yield w.here(f"{w.name} keeps the default capabilities (no drop: ALL)")


RULE = Rule(
    id="TS-R02", severity="high", checklist="R02", kinds=(COMPOSE, KUBERNETES),
    message="capabilities not all dropped",
    hint="compose: cap_drop: [ALL]; Kubernetes: securityContext.capabilities.drop: [ALL]",
    check=check,
    bad="services:\n  app:\n    image: app:1\n",
    good="services:\n  app:\n    image: app:1\n    cap_drop: [ALL]\n",
    equivalents=Equivalents(cis="5.3", pss="restricted: Capabilities", checkov="CKV_K8S_28, "
                                                                              "CKV_K8S_37"),
    doc=("Only drop: [ALL] passes, also where the dropped list names every default capability "
         "one by one (Polaris accepts that): the runtime's default set can grow, ALL cannot "
         "miss one. The names are compared without regard to case."),
)
