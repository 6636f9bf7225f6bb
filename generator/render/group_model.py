"""The syscall groups as loaded: what seccomp_groups builds and groups_cache stores."""

from __future__ import annotations

from typing import Any, NamedTuple


class Special(NamedTuple):
    """How one syscall is handled when it is not simply allowed."""

    name: str
    group: str
    why: str
    args: tuple[tuple[tuple[tuple[str, Any], ...], ...], ...]  # alternatives; each ANDs its args
    errno: int | None


class Group(NamedTuple):
    """One syscall group file: the calls it allows and why."""

    name: str
    description: str
    file: str
    syscalls: tuple[str, ...]  # every name the group asks for, in file order


class GroupSet(NamedTuple):
    """Every syscall group of a folder, with the special and the dangerous calls."""

    folder: str
    groups: dict[str, Group]
    special: dict[str, Special]  # name -> its rule, from whichever group defines it
    dangerous: dict[str, str]  # name -> why it is never allowed by a group
    dangerous_with_args: frozenset[str]  # dangerous names a group may allow by argument
