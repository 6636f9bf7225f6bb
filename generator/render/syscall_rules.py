"""Seccomp profile rules from syscall groups: each syscall allowed once, under the first group
(or answer) that asks for it, with its special handling (arguments, errno) where it has one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from generator.render.group_model import GroupSet, Special

ALLOW, ERRNO = "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"

class SyscallRule(NamedTuple):
    """One entry of the profile's `syscalls` list."""

    names: tuple[str, ...]
    action: str
    comment: str
    args: tuple[tuple[tuple[str, Any], ...], ...] = ()  # conditions, ANDed
    errno: int | None = None

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"names": list(self.names), "action": self.action}
        if self.args:
            entry["args"] = [dict(cond) for cond in self.args]
        if self.errno is not None:
            entry["errnoRet"] = self.errno
        entry["comment"] = self.comment
        return entry


def make_rules(wanted: Iterable[tuple[str, str]], groups: GroupSet,
               denied: Iterable[str] = (), outright: Iterable[str] = ()) -> tuple[SyscallRule, ...]:
    """(syscall, source) pairs, in order → rules; each syscall lands in its first source's rule.

    A syscall with a special rule gets that rule (its arguments or errno) unless it is in
    `outright` (the answers asked for it by name); the others are allowed outright, one rule
    per source so the file says where each syscall came from.
    """
    denied = set(denied)
    outright = set(outright)
    plain: dict[str, list[str]] = {}
    specials: list[tuple[Special, str]] = []
    seen: set[str] = set()
    for name, source in wanted:
        if name in seen or name in denied:
            continue
        seen.add(name)
        rule = None if name in outright else groups.special.get(name)
        if rule is not None:
            specials.append((rule, source))
        else:
            plain.setdefault(source, []).append(name)
    rules = [SyscallRule(tuple(sorted(names)), ALLOW, source) for source, names in plain.items()]
    for special, source in specials:
        comment = f"{source}: {special.why}"
        if special.errno is not None:
            rules.append(SyscallRule((special.name,), ERRNO, comment, errno=special.errno))
        else:
            rules.extend(SyscallRule((special.name,), ALLOW, comment, args=alt)
                         for alt in special.args)
    return tuple(rules)


def allowed_names(rules: Iterable[SyscallRule]) -> tuple[str, ...]:
    """Every syscall some rule allows (outright or by argument), sorted."""
    return tuple(sorted({n for r in rules if r.action == ALLOW for n in r.names}))
