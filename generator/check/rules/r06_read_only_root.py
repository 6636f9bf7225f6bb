"""TS-R06: read-only root filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, is_true
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        where, key = (w.node, "read_only") if w.compose else (w.security(),
                                                              "readOnlyRootFilesystem")
        if not is_true(where.get(key)):
            if key in where:
                yield at_key(where, key, f"{w.name} has a writable root filesystem")
            else:
                yield w.here(f"{w.name} has a writable root filesystem (no {key}: true)")


RULE = Rule(
    id="TS-R06", severity="medium", checklist="R06", kinds=(COMPOSE, KUBERNETES),
    message="the root filesystem is writable",
    hint="compose: read_only: true plus tmpfs for the paths it writes; Kubernetes: "
         "readOnlyRootFilesystem: true plus emptyDir volumes",
    check=check,
    bad="services:\n  app:\n    image: app:1\n",
    good="services:\n  app:\n    image: app:1\n    read_only: true\n    tmpfs: [/tmp]\n",
    equivalents=Equivalents(cis="5.12", checkov="CKV_K8S_22"),
)
