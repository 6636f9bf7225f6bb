"""The Pod Security Standard `restricted`, implemented from its field list, over every
generated Deployment; and mutated Deployments, each breaking one control, are caught.

Controls (baseline, then restricted), as the standard lists them:
HostProcess, host namespaces, privileged, capabilities (baseline list), hostPath volumes, host
ports, AppArmor, SELinux, /proc mount type, seccomp (not Unconfined), sysctls; volume types,
privilege escalation, running as non-root, running as non-root user, seccomp (RuntimeDefault or
Localhost, required), capabilities (drop ALL, add only NET_BIND_SERVICE).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES
from ruamel.yaml import YAML
from yaml_support import read_yaml

from generator.render.pipeline import render_service

BASELINE_CAPABILITIES = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
                         "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
                         "SYS_CHROOT"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
SELINUX_TYPES = {None, "", "container_t", "container_init_t", "container_kvm_t",
                 "container_engine_t"}
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def containers(pod: dict) -> Iterator[dict]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from pod.get(key) or []


def _sc(obj: dict) -> dict:
    return obj.get("securityContext") or {}


def _apparmor_ok(profile: Any) -> bool:
    return profile is None or profile.get("type") in ("RuntimeDefault", "Localhost")


def _seccomp_type(profile: Any) -> str | None:
    return (profile or {}).get("type")


def violations(deployment: dict) -> list[str]:
    """Every control of `restricted` the Deployment's pod template breaks (empty: it passes)."""
    found: list[str] = []
    template = deployment["spec"]["template"]
    pod = template["spec"]
    psc = _sc(pod)
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    every = list(containers(pod))

    # -- baseline --
    if (psc.get("windowsOptions") or {}).get("hostProcess") or any(
            (_sc(c).get("windowsOptions") or {}).get("hostProcess") for c in every):
        found.append("hostProcess")
    for ns in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(ns):
            found.append(f"host namespaces: {ns}")
    if any(_sc(c).get("privileged") for c in every):
        found.append("privileged")
    for c in every:
        added = set((_sc(c).get("capabilities") or {}).get("add") or [])
        if added - BASELINE_CAPABILITIES:
            found.append(f"capabilities (baseline): {sorted(added - BASELINE_CAPABILITIES)}")
    for v in pod.get("volumes") or []:
        if "hostPath" in v:
            found.append(f"hostPath volume {v['name']}")
    for c in every:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                found.append(f"hostPort {p['hostPort']}")
    if not _apparmor_ok(psc.get("appArmorProfile")) or not all(
            _apparmor_ok(_sc(c).get("appArmorProfile")) for c in every):
        found.append("AppArmor profile type")
    for key, value in annotations.items():
        if key.startswith(APPARMOR_ANNOTATION) and not (
                value == "runtime/default" or value.startswith("localhost/")):
            found.append(f"AppArmor annotation {value}")
    for ctx in [psc, *(_sc(c) for c in every)]:
        se = ctx.get("seLinuxOptions") or {}
        if se.get("type") not in SELINUX_TYPES or se.get("user") or se.get("role"):
            found.append("SELinux options")
    if any(_sc(c).get("procMount") not in (None, "Default") for c in every):
        found.append("procMount")
    if _seccomp_type(psc.get("seccompProfile")) == "Unconfined" or any(
            _seccomp_type(_sc(c).get("seccompProfile")) == "Unconfined" for c in every):
        found.append("seccomp Unconfined")
    for sysctl in psc.get("sysctls") or []:
        if sysctl.get("name") not in SAFE_SYSCTLS:
            found.append(f"sysctl {sysctl.get('name')}")

    # -- restricted --
    for v in pod.get("volumes") or []:
        kinds = set(v) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            found.append(f"volume type {sorted(kinds)}")
    for c in every:
        if _sc(c).get("allowPrivilegeEscalation") is not False:
            found.append(f"allowPrivilegeEscalation in {c['name']}")
    pod_nonroot = psc.get("runAsNonRoot")
    for c in every:
        value = _sc(c).get("runAsNonRoot")
        if value is False or (value is None and pod_nonroot is not True):
            found.append(f"runAsNonRoot in {c['name']}")
    if pod_nonroot is False:
        found.append("runAsNonRoot false on the pod")
    if psc.get("runAsUser") == 0 or any(_sc(c).get("runAsUser") == 0 for c in every):
        found.append("runAsUser 0")
    pod_seccomp = _seccomp_type(psc.get("seccompProfile"))
    for c in every:
        kind = _seccomp_type(_sc(c).get("seccompProfile")) or pod_seccomp
        if kind not in ("RuntimeDefault", "Localhost"):
            found.append(f"seccomp in {c['name']}: {kind}")
    for c in every:
        caps = _sc(c).get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            found.append(f"capabilities drop ALL in {c['name']}")
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            found.append(f"capabilities add in {c['name']}")
    return found


def deployment_of(name: str, *sets: str) -> dict:
    files = render_service(EXAMPLES / name / "tightship.yaml", "default", list(sets))
    return read_yaml(files["k8s/deployment.yaml"])


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_generated_deployment_is_restricted(name):
    assert violations(deployment_of(name)) == []


def test_variants_are_restricted(tmp_path):
    profile = tmp_path / "old.yaml"
    profile.write_text("name: old\nextends: default\nkubernetes:\n  version: '1.29'\n")
    variants = [
        deployment_of("python", "capabilities={NET_BIND_SERVICE: port 80}", "run.replicas=3"),
        deployment_of("go", "writable=[/tmp, /var/cache/app]", "run.egress=[{cidr: 10.0.0.0/8, ports: [443]}]"),
        # a persistent claim and port 80 through the safe sysctl
        deployment_of("generic", "volumes=[{name: data, path: /var/lib/app, size: 2Gi}]",
                      "ports=[80]", "run.publish={80: 8080}"),
        YAML(typ="safe").load(render_service(EXAMPLES / "python" / "tightship.yaml",
                                             str(profile), [])["k8s/deployment.yaml"]),
    ]
    for dep in variants:
        assert violations(dep) == []


def _container(dep: dict) -> dict:
    return dep["spec"]["template"]["spec"]["containers"][0]


def _pod(dep: dict) -> dict:
    return dep["spec"]["template"]["spec"]


def _set(path: str, value: Any) -> Callable[[dict], None]:
    """A mutation that sets a dotted path under the pod spec (`c.` = the first container)."""
    def mutate(dep: dict) -> None:
        target = _pod(dep)
        parts = path.split(".")
        if parts[0] == "c":
            target, parts = _container(dep), parts[1:]
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return mutate


def _delete(path: str) -> Callable[[dict], None]:
    def mutate(dep: dict) -> None:
        target = _pod(dep)
        parts = path.split(".")
        if parts[0] == "c":
            target, parts = _container(dep), parts[1:]
        for part in parts[:-1]:
            target = target[part]
        del target[parts[-1]]
    return mutate


def _add_volume(volume: dict) -> Callable[[dict], None]:
    return lambda dep: _pod(dep).setdefault("volumes", []).append(volume)


def _add_init(dep: dict) -> None:
    _pod(dep)["initContainers"] = [{"name": "init", "image": "busybox:1.36"}]


MUTATIONS = {
    "host-process": _set("securityContext.windowsOptions", {"hostProcess": True}),
    "host-network": _set("hostNetwork", True),
    "host-pid": _set("hostPID", True),
    "host-ipc": _set("hostIPC", True),
    "privileged": _set("c.securityContext.privileged", True),
    "capability-sys-admin": _set("c.securityContext.capabilities.add", ["SYS_ADMIN"]),
    "capability-chown": _set("c.securityContext.capabilities.add", ["CHOWN"]),
    "no-drop-all": _set("c.securityContext.capabilities.drop", ["NET_RAW"]),
    "host-path": _add_volume({"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}),
    "nfs-volume": _add_volume({"name": "n", "nfs": {"server": "x", "path": "/"}}),
    "host-port": _set("c.ports", [{"containerPort": 8080, "hostPort": 8080}]),
    "apparmor-unconfined": _set("securityContext.appArmorProfile", {"type": "Unconfined"}),
    "selinux-type": _set("c.securityContext.seLinuxOptions", {"type": "spc_t"}),
    "selinux-user": _set("securityContext.seLinuxOptions", {"user": "system_u"}),
    "proc-mount": _set("c.securityContext.procMount", "Unmasked"),
    "seccomp-unconfined": _set("securityContext.seccompProfile", {"type": "Unconfined"}),
    "seccomp-container-unconfined": _set("c.securityContext.seccompProfile",
                                         {"type": "Unconfined"}),
    "seccomp-missing": _delete("securityContext.seccompProfile"),
    "unsafe-sysctl": _set("securityContext.sysctls", [{"name": "kernel.msgmax", "value": "1"}]),
    "privilege-escalation": _set("c.securityContext.allowPrivilegeEscalation", True),
    "privilege-escalation-unset": _delete("c.securityContext.allowPrivilegeEscalation"),
    "run-as-root-allowed": _set("c.securityContext.runAsNonRoot", False),
    "run-as-non-root-unset": lambda dep: (_delete("securityContext.runAsNonRoot")(dep),
                                          _delete("c.securityContext.runAsNonRoot")(dep)),
    "run-as-uid-0": _set("securityContext.runAsUser", 0),
    "container-uid-0": _set("c.securityContext.runAsUser", 0),
    "init-container-unhardened": _add_init,
}


@pytest.mark.parametrize("mutation", list(MUTATIONS), ids=list(MUTATIONS))
def test_a_mutated_deployment_fails(mutation):
    original = deployment_of("go")
    dep = copy.deepcopy(original)
    MUTATIONS[mutation](dep)
    assert dep != original
    assert violations(dep), mutation


def test_the_apparmor_annotation_is_checked_too():
    dep = deployment_of("go")
    dep["spec"]["template"].setdefault("metadata", {})["annotations"] = {
        APPARMOR_ANNOTATION + "hello-go": "unconfined"}
    assert violations(dep) == ["AppArmor annotation unconfined"]
