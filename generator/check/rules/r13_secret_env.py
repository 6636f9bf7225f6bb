"""TS-R13.3: Kubernetes secrets reach the container as files, not environment variables."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, at_key, get, seq
from generator.check.model import KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        env = w.node.get("env")
        for i, item in enumerate(seq(env)):
            if isinstance(item, dict) and get(item, "valueFrom", "secretKeyRef") is not None:
                yield at_key(item["valueFrom"], "secretKeyRef",
                             f"{w.name} gets secret {item.get('name')} as an environment "
                             "variable (child processes and crash dumps see it)")
        for i, item in enumerate(seq(w.node.get("envFrom"))):
            if isinstance(item, dict) and "secretRef" in item:
                yield at_item(w.node["envFrom"], i, f"{w.name} loads a whole Secret into its "
                                                    "environment")


RULE = Rule(
    id="TS-R13.3", severity="low", checklist="R13", kinds=(KUBERNETES,),
    message="a Secret is passed as an environment variable, not a mounted file",
    hint="mount the Secret as a volume (readOnly) and have the service read the file",
    check=check,
    bad="apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
        "    - name: app\n      image: app:1\n      env:\n        - name: DB_PASSWORD\n"
        "          valueFrom:\n            secretKeyRef: {name: db, key: password}\n",
    good="apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
         "    - name: app\n      image: app:1\n      volumeMounts:\n"
         "        - {name: db, mountPath: /run/secrets, readOnly: true}\n  volumes:\n"
         "    - name: db\n      secret: {secretName: db}\n",
    equivalents=Equivalents(checkov="CKV_K8S_35"),
)
