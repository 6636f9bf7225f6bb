"""A service's confinement: which syscall groups its profile selects for its runtime and
network use, the answers' own `syscalls` additions and removals (a dangerous one only with a
reason the profile accepts), and where the AppArmor profile is named."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from generator.messages import shown
from generator.render.group_model import GroupSet
from generator.render.profiles import Profile
from generator.render.seccomp_groups import is_syscall, load_groups
from generator.render.syscall_rules import SyscallRule, allowed_names, make_rules
from generator.render.validation import field_error
from generator.runtimes import RUNTIMES
from generator.yamlio import Layer, defining_file

# Used when a profile has no `seccomp` section (the built-in default profile spells these out).
DEFAULT_BASE = ("container-start", "file-io", "memory", "signals", "process", "time", "events")
DEFAULT_NETWORK = ("networking",)

class Confinement(NamedTuple):
    """What the seccomp and AppArmor outputs are made from."""

    groups: tuple[str, ...]  # selected groups, in order
    allowed: tuple[tuple[str, str], ...]  # (syscall, reason) the answers add
    denied: tuple[str, ...]  # syscalls the answers take away
    network: bool  # the service declares ports or egress
    egress: bool  # the service connects out
    rules: tuple[SyscallRule, ...]
    apparmor_in_compose: bool  # compose names the AppArmor profile (the host must load it)
    apparmor_in_kubernetes: bool  # so do the Kubernetes manifests (each node must load it)

    @property
    def syscall_count(self) -> int:
        return len(allowed_names(self.rules))


def seccomp_settings(profile: Profile) -> dict[str, Any]:
    return dict(profile.data.get("seccomp") or {})


def profile_groups(profile: Profile) -> GroupSet:
    settings = seccomp_settings(profile)
    folder = settings.get("groups")
    if not folder:
        return load_groups()
    defined_in = defining_file(profile.layers, ["seccomp", "groups"])  # relative to its file
    path = (Path(defined_in).parent / folder).resolve()
    if not path.is_dir():
        raise field_error(f"syscall group folder {path} does not exist", profile.layers,
                   ["seccomp", "groups"])
    return load_groups(path)


def runtime_groups(profile: Profile, runtime: str) -> tuple[str, ...]:
    runtimes = seccomp_settings(profile).get("runtimes") or {}
    if runtime in runtimes:
        return tuple(runtimes[runtime])
    return RUNTIMES[runtime].seccomp_groups if runtime in RUNTIMES else ()


def selected_groups(profile: Profile, runtime: str, network: bool) -> tuple[str, ...]:
    settings = seccomp_settings(profile)
    chosen = list(settings.get("base", DEFAULT_BASE))
    if network:
        chosen += list(settings.get("network", DEFAULT_NETWORK))
    chosen += runtime_groups(profile, runtime)
    return tuple(dict.fromkeys(chosen))


def _check_selection(profile: Profile, groups: GroupSet, runtime: str) -> None:
    settings = seccomp_settings(profile)
    places = [(["seccomp", "base"], settings.get("base", DEFAULT_BASE)),
              (["seccomp", "network"], settings.get("network", DEFAULT_NETWORK)),
              (["seccomp", "runtimes", runtime], runtime_groups(profile, runtime))]
    for path, names in places:
        for i, name in enumerate(names):
            if name not in groups.groups:
                known = ", ".join(sorted(groups.groups))
                raise field_error(f"no syscall group '{name}' in {groups.folder} (groups: {known})",
                           profile.layers, [*path, i])


def build_confinement(answers: dict[str, Any], layers: Sequence[Layer], profile: Profile, *,
                      runtime: str, ports: Sequence[int], egress: bool) -> Confinement:
    """Choose the groups for this service and apply its answers' `syscalls` overrides."""
    network = bool(ports) or egress
    groups = profile_groups(profile)
    _check_selection(profile, groups, runtime)
    chosen = selected_groups(profile, runtime, network)
    asked = answers.get("syscalls") or {}
    accepted = seccomp_settings(profile).get("accepted_reasons") or {}
    allowed: list[tuple[str, str]] = []
    for name, reason in (asked.get("allow") or {}).items():
        where = ["syscalls", "allow", name]
        if not is_syscall(name):
            raise field_error(f"unknown syscall '{name}': libseccomp knows no such syscall on "
                              f"x86_64 "
                       "or aarch64", layers, where)
        if name in groups.dangerous:
            reasons = list(accepted.get(name) or [])
            if reason not in reasons:
                offered = ("; it accepts: " + ", ".join(shown(r) for r in reasons)) if reasons \
                    else "; it accepts none (seccomp.accepted_reasons)"
                raise field_error(f"{name} is dangerous ({groups.dangerous[name]}) and profile "
                           f"'{profile.name}' does not accept the reason {shown(reason)}{offered}",
                           layers, where)
        allowed.append((name, reason))
    denied = list(asked.get("deny") or [])
    for i, name in enumerate(denied):
        if not is_syscall(name):
            raise field_error(f"unknown syscall '{name}': libseccomp knows no such syscall on "
                              f"x86_64 "
                       "or aarch64", layers, ["syscalls", "deny", i])
    wanted = [(n, g) for g in chosen for n in groups.groups[g].syscalls]
    # What the answers name is allowed outright: they asked for the syscall itself.
    wanted += [(n, f"answers: {reason}") for n, reason in sorted(allowed)]
    rules = make_rules(wanted, groups, denied, outright=[n for n, _ in allowed])
    apparmor = dict(profile.data.get("apparmor") or {})
    return Confinement(groups=chosen, allowed=tuple(sorted(allowed)), denied=tuple(denied),
                       network=network, egress=egress, rules=rules,
                       apparmor_in_compose=bool(apparmor.get("compose", True)),
                       apparmor_in_kubernetes=bool(apparmor.get("kubernetes", True)))
