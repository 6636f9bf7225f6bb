"""TS-R16: no service account token in the pod unless the service calls the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.check.documents import YamlDoc, at_key, get, is_true, pod_spec
from generator.check.model import KUBERNETES, Context, Equivalents, Hit, Rule


def _account_automount(doc: YamlDoc, name: str) -> Any:
    for other in doc.bundle:
        if other.kind == "ServiceAccount" and \
                str(get(other.node, "metadata", "name")) == name and \
                str(get(other.node, "metadata", "namespace", default="")) == \
                str(get(doc.node, "metadata", "namespace", default="")):
            return other.node.get("automountServiceAccountToken")
    return None


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    spec = pod_spec(doc)
    if spec is None:
        return
    pod_value = spec.get("automountServiceAccountToken")
    if is_true(pod_value):
        yield at_key(spec, "automountServiceAccountToken", "the pod mounts its service account "
                     "token (automountServiceAccountToken: true)")
        return
    if pod_value is not None:
        return  # false: the pod's word wins over its ServiceAccount's
    account = str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default")
    anchor = "serviceAccountName" if "serviceAccountName" in spec else "containers"
    account_value = _account_automount(doc, account)
    if is_true(account_value):
        yield at_key(spec, anchor, f"ServiceAccount {account} mounts its token into the pod "
                                   "(automountServiceAccountToken: true there, unset here)")
    elif account_value is None:
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
        "left unset on both the pod and its ServiceAccount (when that is among the files), "
        "and an explicit `true` on either. A service that calls the Kubernetes API needs the "
        "token: say so with a suppression and its reason (tightship's own manifests for "
        "run.calls_api do).")
