"""TS-R16.2: each workload has its own ServiceAccount, not `default`."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, at_value, pod_spec
from generator.check.model import KUBERNETES, Context, Equivalents, Hit, Rule


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    spec = pod_spec(doc)
    if spec is None:
        return
    name = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if not name:
        yield at_key(spec, "containers", "the pod runs as the namespace's default "
                                         "ServiceAccount")
    elif str(name) == "default":
        key = "serviceAccountName" if "serviceAccountName" in spec else "serviceAccount"
        yield at_value(spec, key, "the pod runs as the namespace's default ServiceAccount")


RULE = Rule(
    id="TS-R16.2", severity="low", checklist="R16", kinds=(KUBERNETES,),
    message="the pod uses the default ServiceAccount",
    hint="create a ServiceAccount for the service and name it in serviceAccountName",
    check=check,
    bad="apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
        "    - name: app\n      image: app:1\n",
    good="apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  serviceAccountName: app\n"
         "  containers:\n    - name: app\n      image: app:1\n",
    equivalents=Equivalents(checkov="CKV_K8S_41 (default service account)"),
)
