"""TS-R09: no host network, PID, IPC (or UTS/user) namespace."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, is_true
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads

COMPOSE_KEYS = {"network_mode": "network", "pid": "PID", "ipc": "IPC", "uts": "UTS",
                "userns_mode": "user"}
K8S_KEYS = {"hostNetwork": "network", "hostPID": "PID", "hostIPC": "IPC", "hostUsers": None}


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family == COMPOSE:
        for w in workloads(doc):
            for key, what in COMPOSE_KEYS.items():
                if str(w.node.get(key, "")).strip().lower() == "host":
                    yield at_key(w.node, key, f"{w.name} shares the host's {what} namespace")
        return
    seen = False
    for w in workloads(doc):
        if seen:
            break
        seen = True  # the namespaces are the pod's: report them once
        for key, namespace in K8S_KEYS.items():
            if namespace and is_true(w.pod.get(key)):
                yield at_key(w.pod, key, f"the pod shares the host's {namespace} namespace "
                                         f"({key})")


RULE = Rule(
    id="TS-R09", severity="high", checklist="R09", kinds=(COMPOSE, KUBERNETES),
    message="the container shares a host namespace (network, PID, IPC)",
    hint="remove network_mode/pid/ipc: host (hostNetwork/hostPID/hostIPC: true)",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    network_mode: host\n",
    good="services:\n  app:\n    image: app:1\n    networks: [app]\n",
    equivalents=Equivalents(cis="5.9, 5.15, 5.16, 5.20, 5.30", pss="baseline: Host Namespaces",
                            checkov="CKV_K8S_17, CKV_K8S_18, CKV_K8S_19"),
)
