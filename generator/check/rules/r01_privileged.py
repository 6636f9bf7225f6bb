"""TS-R01: never privileged."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, is_true
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        where = w.node if w.compose else w.security()
        if is_true(where.get("privileged")):
            yield at_key(where, "privileged", f"{w.name} runs privileged: every capability and "
                                              "device of the host")


RULE = Rule(
    id="TS-R01", severity="critical", checklist="R01", kinds=(COMPOSE, KUBERNETES),
    message="the container runs privileged",
    hint="remove privileged; add back only the single capability the service needs",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    privileged: true\n",
    good="services:\n  app:\n    image: app:1\n    privileged: false\n",
    equivalents=Equivalents(cis="5.4", pss="baseline: Privileged Containers",
                            checkov="CKV_K8S_16"),
)
