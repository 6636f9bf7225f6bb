"""TS-R17.2: a pod breaks a Pod Security Standard control (as of Kubernetes 1.35) that no other
rule reads: probe and lifecycle-hook hosts, /proc mount type, sysctls, Windows host processes,
SELinux options and, under restricted, the volume types."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import (
    YamlDoc,
    YamlMap,
    at_key,
    at_value,
    get,
    mapping,
    pod_templates,
    seq,
)
from generator.check.model import KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import Workload, workloads

# The baseline level's safe sysctls, each with the Kubernetes version that allows it.
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced": "1.0", "net.ipv4.ip_local_port_range": "1.0",
    "net.ipv4.tcp_syncookies": "1.0", "net.ipv4.ping_group_range": "1.18",
    "net.ipv4.ip_unprivileged_port_start": "1.22", "net.ipv4.ip_local_reserved_ports": "1.27",
    "net.ipv4.tcp_keepalive_time": "1.29", "net.ipv4.tcp_fin_timeout": "1.29",
    "net.ipv4.tcp_keepalive_intvl": "1.29", "net.ipv4.tcp_keepalive_probes": "1.29",
}
# restricted allows only these volume sources (besides the volume's name).
RESTRICTED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                                "persistentVolumeClaim", "projected", "secret"})
SELINUX_TYPES = frozenset({"container_t", "container_init_t", "container_kvm_t",
                           "container_engine_t"})
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")


def _handlers(container: YamlMap) -> Iterator[tuple[str, YamlMap]]:
    """(where, handler) for every probe and lifecycle hook of a container."""
    for probe in PROBES:
        yield probe, mapping(container.get(probe))
    lifecycle = mapping(container.get("lifecycle"))
    for hook in HOOKS:
        yield f"lifecycle.{hook}", mapping(lifecycle.get(hook))


def _container_hits(w: Workload) -> Iterator[Hit]:
    for where, handler in _handlers(w.node):
        for action in ("httpGet", "tcpSocket"):
            target = mapping(handler.get(action))
            if str(target.get("host", "") or "") != "":
                yield at_value(target, "host", f"{w.name}: {where}.{action}.host points the "
                               "kubelet at another host (forbidden from Kubernetes 1.34)")
    security = w.security()
    proc = security.get("procMount")
    if proc is not None and str(proc) != "Default":
        yield at_value(security, "procMount", f"{w.name}: procMount {proc} unmasks /proc "
                       "(only Default is allowed)")
    if get(security, "windowsOptions", "hostProcess") is True:
        yield at_key(security, "windowsOptions", f"{w.name} runs as a Windows host process")


def _selinux_hits(where: YamlMap, owner: str) -> Iterator[Hit]:
    options = mapping(where.get("seLinuxOptions"))
    kind = options.get("type")
    if kind not in (None, "") and str(kind) not in SELINUX_TYPES and \
            not str(kind).endswith("unconfined_t"):  # unconfined: TS-R05's finding
        yield at_value(options, "type", f"{owner}: SELinux type {kind} is not a container "
                       "type (container_t, container_init_t, container_kvm_t, "
                       "container_engine_t; from Kubernetes 1.31)")
    for key in ("user", "role"):
        if options.get(key) not in (None, ""):
            yield at_value(options, key, f"{owner}: seLinuxOptions.{key} is set")


def _pod_hits(spec: YamlMap) -> Iterator[Hit]:
    security = mapping(spec.get("securityContext"))
    for item in seq(security.get("sysctls")):
        name = str(mapping(item).get("name", ""))
        if name not in SAFE_SYSCTLS:
            yield at_value(mapping(item), "name", f"the pod sets sysctl {name}, which is not "
                           "among Pod Security's safe sysctls")
    yield from _selinux_hits(security, "the pod")
    if get(security, "windowsOptions", "hostProcess") is True:
        yield at_key(security, "windowsOptions", "the pod runs as a Windows host process")
    for volume in seq(spec.get("volumes")):
        volume = mapping(volume)
        sources = [k for k in volume if k != "name"]
        for source in sources:
            if source not in RESTRICTED_VOLUMES and source != "hostPath":  # hostPath: TS-R11
                yield at_key(volume, source, f"volume {volume.get('name', '?')} is a "
                             f"{source} volume, which restricted does not allow")


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family != KUBERNETES:
        return
    for pod in pod_templates(doc):
        yield from _pod_hits(pod.spec)
    for w in workloads(doc):
        yield from _container_hits(w)
        yield from _selinux_hits(w.security(), w.name)


RULE = Rule(
    id="TS-R17.2", severity="high", checklist="R17", kinds=(KUBERNETES,),
    message="a pod breaks a Pod Security Standard control (probe host, procMount, sysctls, "
            "SELinux, volume types)",
    hint="drop httpGet/tcpSocket host from probes and hooks, leave procMount Default, keep to "
         "the safe sysctls and the restricted volume types",
    check=check,
    bad="apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "    - name: app\n      image: app:1\n      livenessProbe:\n        httpGet:\n"
        "          host: 10.0.0.1\n          path: /healthz\n          port: 8080\n",
    good="apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
         "    - name: app\n      image: app:1\n      livenessProbe:\n        httpGet:\n"
         "          path: /healthz\n          port: 8080\n",
    equivalents=Equivalents(pss="baseline: Probes / Lifecycle Hooks (1.34), /proc Mount Type, "
                                "Sysctls, HostProcess, SELinux; restricted: Volume Types"),
    doc="The controls and the Kubernetes version each applies from: probe and lifecycle-hook "
        "`host` fields (httpGet and tcpSocket) forbidden from 1.34; `procMount` other than "
        "Default, Windows `hostProcess`, SELinux `user`/`role`: every version; SELinux `type` "
        "limited to the container types from 1.31; sysctls limited to the safe set "
        "(kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies; "
        "net.ipv4.ping_group_range from 1.18, net.ipv4.ip_unprivileged_port_start from 1.22, "
        "net.ipv4.ip_local_reserved_ports from 1.27, net.ipv4.tcp_keepalive_time, "
        "tcp_fin_timeout, tcp_keepalive_intvl and tcp_keepalive_probes from 1.29); restricted "
        "volume types (configMap, csi, downwardAPI, emptyDir, ephemeral, "
        "persistentVolumeClaim, projected, secret). The other controls are rules of their "
        "own: privileged (TS-R01), capabilities (TS-R02), privilege escalation (TS-R03), "
        "seccomp (TS-R04), AppArmor and unconfined SELinux (TS-R05), host namespaces "
        "(TS-R09), host ports (TS-R10), hostPath (TS-R11), non-root (TS-R12). The check is "
        "made as of 1.35 whatever version the manifests target.",
)
