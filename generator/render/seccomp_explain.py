"""Why a syscall is allowed, restricted or left out: the reasons the syscall groups hold.

`dangerous.yaml` says why each call no group may allow is left out, and every group rule with
argument conditions or an errno says why it is handled that way (clone only without namespace
flags, clone3 answered with ENOSYS...). `tightship seccomp explain` shows those reasons; it
reads them from the loaded groups, so they are defined once, in the group files.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.errors import UserError
from generator.messages import shown
from generator.render.group_model import GroupSet, Special
from generator.render.seccomp_groups import DANGEROUS_FILE, is_syscall

WIDTH = 18  # the longest dangerous name, process_vm_writev, is 17


def _handled(rule: Special) -> str:
    how = (f"answered with errno {rule.errno}" if rule.errno is not None
           else "allowed only with argument conditions")
    return f"group {rule.group}: {how}: {rule.why}"


def _one(groups: GroupSet, name: str) -> list[str]:
    lines = []
    if name in groups.dangerous:
        lines.append(f"{name}: never allowed by a group ({DANGEROUS_FILE}): "
                     f"{groups.dangerous[name]}")
    if name in groups.special:
        lines.append(f"{name}: {_handled(groups.special[name])}")
    asking = [g.name for g in groups.groups.values() if name in g.syscalls]
    if name not in groups.special and asking:
        lines.append(f"{name}: allowed by group {', '.join(asking)}")
    if not lines:
        lines.append(f"{name}: in no group: denied (EPERM) unless the answers allow it")
    return lines


def explain(groups: GroupSet, names: Sequence[str] = ()) -> list[str]:
    """The reasons for `names`, or for every call the groups leave out or restrict."""
    if names:
        unknown = [n for n in names if not is_syscall(n)]
        if unknown:
            raise UserError(f"unknown syscall {shown(unknown[0])}: libseccomp knows no such "
                            "syscall on x86_64 or aarch64")
        return [line for name in names for line in _one(groups, name)]
    lines = [f"Never allowed by a group ({DANGEROUS_FILE}); a service gets one only when its "
             "answers name it under syscalls.allow with a reason its profile accepts:"]
    lines += [f"  {name:<{WIDTH}} {why}" for name, why in sorted(groups.dangerous.items())]
    lines.append("Allowed only with argument conditions, or answered with an error:")
    lines += [f"  {name:<{WIDTH}} {_handled(rule)}"
              for name, rule in sorted(groups.special.items())]
    return lines
