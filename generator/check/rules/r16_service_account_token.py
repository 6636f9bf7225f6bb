"""TS-R16: no service account token in the pod unless the service calls the API."""

from __future__ import annotations

from generator.check.documents import at_key, get, pod_spec
from generator.check.model import KUBERNETES, Equivalents, Rule


def _account_automount(doc, name: str):
    for other in doc.bundle:
        if other.kind == "ServiceAccount" and \
                str(get(other.node, "metadata", "name")) == name and \
                str(get(other.node, "metadata", "namespace", default="")) == \
                str(get(doc.node, "metadata", "namespace", default="")):
            return other.node.get("automountServiceAccountToken")
    return None


def check(doc, ctx):
    spec = pod_spec(doc)
    if spec is None:
        return
    pod_value = spec.get("automountServiceAccountToken")
    if pod_value is not None:
        return  # a decision written down: false, or true for a service that calls the API
    account = str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")
    if _account_automount(doc, account) is not None:
        return  # decided on the ServiceAccount deployed with it
    anchor = "serviceAccountName" if "serviceAccountName" in spec else "containers"
    yield at_key(spec, anchor, "the pod mounts a service account token by default "
                               "(automountServiceAccountToken left unset)")


RULE = Rule(
    id="TS-R16", severity="medium", checklist="R16", kinds=(KUBERNETES,),
    message="the service account token is mounted (automountServiceAccountToken left on)",
    hint="automountServiceAccountToken: false on the pod (or its ServiceAccount) unless the "
         "service calls the Kubernetes API",
    check=check,
    bad="apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n"
        "    - name: app\n      image: app:1\n",
    good="apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n"
         "  automountServiceAccountToken: false\n  containers:\n    - name: app\n"
         "      image: app:1\n",
    equivalents=Equivalents(checkov="CKV_K8S_38"),
    doc="The token is mounted unless someone says otherwise, so the rule reports the setting "
        "left unset on both the pod and its ServiceAccount (when that is among the files). An "
        "explicit `true` is a decision written down, for a service that calls the API; "
        "whether it really does is not in the manifests.",
)
