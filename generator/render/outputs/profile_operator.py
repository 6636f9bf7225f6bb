"""The Security Profiles Operator's objects: the service's seccomp and AppArmor profiles as
cluster objects, so a cluster running the operator puts them on every node before the pod
starts (kubernetes.security_profiles_operator in the profile).

The SeccompProfile (security-profiles-operator.x-k8s.io/v1beta1, namespaced) holds the rules
of seccomp.json; the operator writes it on each node as `operator/NAMESPACE/NAME.json` under
the kubelet's seccomp folder, the path the pod names. The AppArmorProfile (v1alpha1, cluster
scoped) holds the generated profile's allow lists in the operator's `abstract` form
(executables, read-only and writable paths, network, capabilities); the operator loads it
under the object's name and denies what the lists leave out.
"""

from __future__ import annotations

from generator.render.outputs import apparmor, seccomp
from generator.render.outputs.yamldata import Mapping, mapping, sequence
from generator.render.spec import Spec
from generator.render.syscall_rules import SyscallRule

API_GROUP = "security-profiles-operator.x-k8s.io"
SECCOMP_API = f"{API_GROUP}/v1beta1"
APPARMOR_API = f"{API_GROUP}/v1alpha1"
SECCOMP_FILE = "seccompprofile.yaml"
APPARMOR_FILE = "apparmorprofile.yaml"


def seccomp_localhost(spec: Spec) -> str:
    """The operator's copy on the node, relative to the kubelet's seccomp folder."""
    return f"operator/{spec.run.namespace}/{spec.service}.json"


def apparmor_name(spec: Spec) -> str:
    return apparmor.profile_name(spec)


def _syscall(rule: SyscallRule) -> Mapping:
    entry = rule.as_json()
    return mapping(
        ("names", sequence(entry["names"])),
        ("action", entry["action"]),
        ("args", sequence([mapping(*sorted(cond.items())) for cond in entry["args"]]))
        if entry.get("args") else ("args", None),
        # the operator's schema types errnoRet as a string
        ("errnoRet", str(entry["errnoRet"])) if "errnoRet" in entry else ("errnoRet", None),
    )


def seccomp_profile(spec: Spec) -> Mapping:
    return mapping(
        ("apiVersion", SECCOMP_API), ("kind", "SeccompProfile"),
        ("metadata", mapping(("name", spec.service), ("namespace", spec.run.namespace))),
        ("spec", mapping(
            ("defaultAction", "SCMP_ACT_ERRNO",
             "R04: every syscall not listed fails (EPERM), as in seccomp.json"),
            ("architectures", sequence([arch for arch, _ in seccomp.ARCH_MAP])),
            ("syscalls", sequence([_syscall(rule) for rule in spec.confinement.rules])),
        )),
    )


def _plain(paths: list[str]) -> list[str]:
    return [p for p in paths if not p.startswith('"')]


def apparmor_profile(spec: Spec) -> Mapping:
    context = apparmor.context(spec)
    network = context["network"]
    writable = [p for path in context["writable"] for p in (f"{path}/", f"{path}/**")]
    return mapping(
        ("apiVersion", APPARMOR_API), ("kind", "AppArmorProfile"),
        ("metadata", mapping(("name", apparmor_name(spec)))),
        ("spec", mapping(
            ("abstract", mapping(
                ("executable", mapping(
                    ("allowedExecutables", sequence(_plain(context["executables"])),
                     "R05: the runtime and the declared command only"),
                    ("allowedLibraries", sequence(context["mappable"])))),
                ("filesystem", mapping(
                    ("readOnlyPaths", sequence(["/", "/**"])),
                    ("readWritePaths", sequence(writable), "R06: the declared writable paths")
                    if writable else ("readWritePaths", None))),
                ("network", mapping(
                    ("allowRaw", False, "never raw or packet sockets"),
                    ("allowedProtocols", mapping(
                        ("allowTcp", any("stream" in rule for rule in network)),
                        ("allowUdp", any("dgram" in rule for rule in network)))))),
                ("capability", mapping(
                    ("allowedCapabilities", sequence([c["name"] for c in
                                                      context["capabilities"]])),
                ), "R02: only the capabilities the service keeps"),
            )),
            ("complainMode", False, "R05: enforced"),
        )),
    )


def documents(spec: Spec) -> dict[str, tuple[str, Mapping]]:
    if not spec.run.profile_operator:
        return {}
    docs = {SECCOMP_FILE: ("the seccomp profile (Security Profiles Operator)",
                           seccomp_profile(spec))}
    if spec.confinement.apparmor_in_kubernetes:
        docs[APPARMOR_FILE] = ("the AppArmor profile (Security Profiles Operator)",
                               apparmor_profile(spec))
    return docs
