"""TS-R13.2: no Kubernetes Secret with its values written in the manifests."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key
from generator.check.model import KUBERNETES, Context, Hit, Rule


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.kind != "Secret":
        return
    for key in ("data", "stringData"):
        values = doc.node.get(key)
        if isinstance(values, dict) and values:
            yield at_key(doc.node, key, f"Secret {doc.node.get('metadata', {}).get('name', '?')} "
                                        f"holds its values in the file ({key})")


RULE = Rule(
    id="TS-R13.2", severity="high", checklist="R13", kinds=(KUBERNETES,),
    message="a Kubernetes Secret's values are committed in the manifests",
    hint="create the Secret out of band (kubectl create secret, an external secrets operator, "
         "sealed secrets); keep only its name in the manifests",
    check=check,
    bad="apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n",
    good="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  LOG_LEVEL: info\n",
)
