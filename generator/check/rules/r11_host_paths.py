"""TS-R11: no sensitive host path mounted (docker socket, /, /etc, /proc, /sys, /var/run…)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, at_key, get, mapping, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import compose_volumes, workloads
from generator.values import normal_path

SENSITIVE = ("/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/run", "/run",
             "/var/lib/docker", "/var/lib/kubelet", "/var/lib/containerd", "/var/log", "/lib",
             "/lib32", "/lib64", "/bin", "/sbin", "/home", "/usr/bin", "/usr/sbin", "/usr/lib",
             "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/local/bin", "/usr/local/sbin",
             "/usr/local/lib")
# The host's /usr as a whole is its programs; beneath it only the program and library
# folders are: /usr/share (time zones, certificates, fonts) is data a pod may read.
EXACT = ("/usr", "/usr/local")


def sensitive(path: str) -> str | None:
    """What is wrong with mounting host `path`, or None."""
    normal = normal_path(path) if path.startswith("/") else path
    if normal.endswith(("docker.sock", "containerd.sock", "crio.sock", "podman.sock")):
        return "the container runtime's socket: root on the host"
    if normal in EXACT:
        return f"the host's {normal}"
    for base in SENSITIVE:
        if normal == base or (base != "/" and normal.startswith(base + "/")):
            return f"the host's {base}"
    return None


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family == COMPOSE:
        for w in workloads(doc):
            volumes = w.node.get("volumes")
            for i, source, _target, _ro in compose_volumes(w.node):
                what = sensitive(source)
                if what:
                    yield at_item(volumes, i, f"{w.name} mounts {source}: {what}")
        return
    seen = False
    for w in workloads(doc):
        if seen:
            break
        seen = True  # volumes belong to the pod: report once
        for volume in seq(w.pod.get("volumes")):
            host = mapping(get(volume, "hostPath"))
            path = str(host.get("path", ""))
            what = sensitive(path) if path else None
            if what:
                yield at_key(host, "path", f"volume {volume.get('name')} mounts {path}: {what}")


RULE = Rule(
    id="TS-R11", severity="critical", checklist="R11", kinds=(COMPOSE, KUBERNETES),
    message="a sensitive host path is mounted (runtime socket, /, /etc, /proc, /sys, /var/run…)",
    hint="remove the mount; give the service a named volume or an API it needs instead",
    check=check,
    bad="services:\n  app:\n    image: app:1\n"
        "    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n",
    good="services:\n  app:\n    image: app:1\n    volumes: [\"data:/data\"]\n"
         "volumes:\n  data: {}\n",
    equivalents=Equivalents(cis="5.5, 5.31", pss="baseline: HostPath Volumes",
                            checkov="CKV_K8S_27 (docker socket)"),
)
