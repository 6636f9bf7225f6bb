"""TS-R08: restart on failure, a bounded number of times (compose)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, at_value, get, mapping
from generator.check.model import COMPOSE, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        policy = mapping(get(w.node, "deploy", "restart_policy"))
        if policy:
            if str(policy.get("condition", "any")) != "on-failure" or \
                    "max_attempts" not in policy:
                yield at_key(get(w.node, "deploy"), "restart_policy",
                             f"{w.name} restarts without a bound (restart_policy needs "
                             "condition: on-failure and max_attempts)")
            continue
        restart = w.node.get("restart")
        if restart is None:
            yield w.here(f"{w.name} is not restarted when it fails (no restart policy)")
        elif not re.fullmatch(r"on-failure:\d+", str(restart).strip()):
            yield at_value(w.node, "restart", f"restart: {restart} is not a bounded "
                                              "on-failure:N policy")


RULE = Rule(
    id="TS-R08", severity="low", checklist="R08", kinds=(COMPOSE,),
    message="no bounded restart-on-failure policy",
    hint="restart: on-failure:5",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    restart: always\n",
    good="services:\n  app:\n    image: app:1\n    restart: on-failure:5\n",
    equivalents=Equivalents(cis="5.14"),
    doc="Kubernetes Deployments always restart with a back-off the kubelet bounds, so the "
        "rule reads compose files only.",
)
