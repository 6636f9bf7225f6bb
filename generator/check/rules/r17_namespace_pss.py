"""TS-R17: a Namespace enforces the Pod Security Standard `restricted`."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, at_value, mapping
from generator.check.model import KUBERNETES, Context, Equivalents, Hit, Rule

LABEL = "pod-security.kubernetes.io/enforce"


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.kind != "Namespace":
        return
    metadata = mapping(doc.node.get("metadata"))
    labels = mapping(metadata.get("labels"))
    name = metadata.get("name", "?")
    if LABEL not in labels:
        yield at_key(doc.node, "kind", f"namespace {name} does not enforce a Pod Security "
                                       "Standard")
    elif str(labels[LABEL]) != "restricted":
        yield at_value(labels, LABEL, f"namespace {name} enforces {labels[LABEL]}, not "
                                      "restricted")


RULE = Rule(
    id="TS-R17", severity="medium", checklist="R17", kinds=(KUBERNETES,),
    message="a Namespace does not enforce the Pod Security Standard restricted",
    hint="label it pod-security.kubernetes.io/enforce: restricted",
    check=check,
    bad="apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    good="apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n"
         "    pod-security.kubernetes.io/enforce: restricted\n",
    equivalents=Equivalents(pss="restricted (the level itself)"),
    doc="Namespaces created elsewhere are not seen; the rule reads the Namespace objects "
        "among the files checked.",
)
