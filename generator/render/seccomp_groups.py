"""Syscall groups: the project's own building blocks for seccomp profiles (R04).

A group is a YAML file under `profiles/seccomp/` naming the syscalls one concern needs (file
I/O, memory, signals, networking, a runtime...). A syscall listed by name is allowed outright;
an entry with `args` is allowed only with those argument values, one with `errno` answers that
error instead. How a syscall is handled is defined once across all groups; a group that merely
lists it asks for it. `dangerous.yaml` lists what no group may allow: a service gets one of those
only when its answers name it with a reason its profile accepts.

Every syscall name is checked against libseccomp's tables for x86_64 and aarch64 (through
`pyseccomp`), so a typo is an error with its file, line and field, never a silently dead rule.

syscall_rules.py turns the chosen groups into profile rules; confinement.py chooses the groups
for a service.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from generator.errors import UserError
from generator.messages import shown
from generator.render.group_model import Group, GroupSet, Special
from generator.render.groups_cache import cached_groups
from generator.render.prebuilt import prebuilt_groups
from generator.render.validation import field_error
from generator.resources import data_dir
from generator.yamlio import Layer, load_file, to_plain

DANGEROUS_FILE = "dangerous.yaml"
# Compiled on first use: only reading a group file or naming a syscall checks names.
GROUP_NAME = r"^[a-z0-9][a-z0-9-]{0,40}$"
SYSCALL_NAME = r"^[a-z0-9_]{1,40}$"
OPS = ("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
       "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ")

# Always part of a learned profile: without it the container does not even start.
START_GROUP = "container-start"


# --- syscall names ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _libseccomp() -> Any:  # the pyseccomp module (it ships no types)
    try:
        import pyseccomp
    except ImportError:
        raise UserError("checking syscall names needs pyseccomp (pip install pyseccomp)") from None
    except (OSError, RuntimeError) as exc:  # the package is there, libseccomp is not
        raise UserError(f"checking syscall names needs libseccomp (Debian: libseccomp2): "
                        f"{exc}") from None
    return pyseccomp


@cache
def syscall_numbers(name: str) -> tuple[int, int]:
    """(x86_64, aarch64) numbers of `name`; negative where that architecture lacks it."""
    lib = _libseccomp()
    return (lib.resolve_syscall(lib.Arch.X86_64, name),
            lib.resolve_syscall(lib.Arch.AARCH64, name))


def is_syscall(name: str) -> bool:
    """A syscall libseccomp knows on x86_64 or aarch64 (the architectures profiles cover)."""
    return bool(re.match(SYSCALL_NAME, name)) and max(syscall_numbers(name)) >= 0


# --- groups ----------------------------------------------------------------------------------

def builtin_groups_dir() -> Path:
    return data_dir("profiles") / "seccomp"


def load_groups(folder: Path | str | None = None) -> GroupSet:
    folder = Path(folder) if folder is not None else builtin_groups_dir()
    return _load_groups(str(folder.resolve()))


@lru_cache(maxsize=8)
def _load_groups(folder: str) -> GroupSet:
    return prebuilt_groups(Path(folder)) or cached_groups(Path(folder),
                                                         lambda: build_groups(folder))


def build_groups(folder: str) -> GroupSet:
    path = Path(folder)
    if not path.is_dir():
        raise UserError(f"syscall group folder {folder} does not exist", field="seccomp.groups")
    danger_file = path / DANGEROUS_FILE
    if not danger_file.is_file():
        raise UserError(f"the syscall group folder has no {DANGEROUS_FILE} (the list of "
                        "syscalls no group may allow)", file=str(danger_file))
    dangerous, with_args = _load_dangerous(danger_file)
    groups: dict[str, Group] = {}
    special: dict[str, Special] = {}
    for file in sorted(path.glob("*.yaml")):
        if file.name == DANGEROUS_FILE:
            continue
        group, rules = _load_group(file, dangerous, with_args)
        if group.name in groups:
            raise UserError(f"group '{group.name}' is also defined in "
                            f"{groups[group.name].file}", file=str(file), line=1, field="group")
        groups[group.name] = group
        for rule, layer, where in rules:
            known = special.get(rule.name)
            if known is not None and (known.args, known.errno) != (rule.args, rule.errno):
                raise field_error(f"{rule.name} is already handled differently by group "
                           f"'{known.group}': define its rule in one group and list it by "
                           "name elsewhere", [layer], where)
            special.setdefault(rule.name, rule)
    return GroupSet(folder, groups, special, dangerous, frozenset(with_args))


def _load_dangerous(file: Path) -> tuple[dict[str, str], set[str]]:
    node = load_file(file, what="syscall group")
    layer = Layer(str(file), node)
    data = to_plain(node)
    if not isinstance(data, dict) or set(data) != {"dangerous"} or not isinstance(
            data["dangerous"], dict):
        raise field_error("expected one key, `dangerous`, mapping each syscall to why it is never "
                   "allowed", [layer], [])
    dangerous: dict[str, str] = {}
    with_args: set[str] = set()
    for name, about in data["dangerous"].items():
        where = ["dangerous", name]
        _check_name(name, [layer], where)
        if isinstance(about, dict):
            if set(about) - {"why", "with_args"} or not isinstance(about.get("why"), str):
                raise field_error("expected `why` (text) and optionally `with_args: true`",
                           [layer], where)
            if about.get("with_args") is True:
                with_args.add(name)
            about = about["why"]
        if not isinstance(about, str) or not about.strip():
            raise field_error("say why this syscall is dangerous", [layer], where)
        dangerous[name] = about
    return dangerous, with_args


def _check_name(name: Any, layers: Sequence[Layer], where: list[Any]) -> str:
    if not isinstance(name, str) or not is_syscall(name):
        raise field_error(f"unknown syscall {shown(name)}: libseccomp knows no such syscall on "
                          f"x86_64 or "
                   "aarch64", layers, where)
    return name


def _load_group(file: Path, dangerous: dict[str, str],
                with_args: set[str]) -> tuple[Group, list[tuple[Special, Layer, list[Any]]]]:
    node = load_file(file, what="syscall group")
    layer = Layer(str(file), node)
    layers = [layer]
    data = to_plain(node)
    if not isinstance(data, dict):
        raise field_error("a syscall group is a mapping with group, description and syscalls",
                   layers, [])
    extra = sorted(set(data) - {"group", "description", "syscalls"})
    if extra:
        raise field_error(f"unknown key '{extra[0]}'; expected one of: description, group, "
                          f"syscalls",
                   layers, [extra[0]])
    name = data.get("group")
    if not isinstance(name, str) or not re.match(GROUP_NAME, name):
        raise field_error("name the group: lowercase letters, digits and '-'", layers, ["group"])
    if name != file.stem:
        raise field_error(f"group '{name}' must live in {name}.yaml", layers, ["group"])
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise field_error("describe what the group is for", layers, ["description"])
    entries = data.get("syscalls")
    if not isinstance(entries, list) or not entries:
        raise field_error("list the group's syscalls", layers, ["syscalls"])
    names: list[str] = []
    rules: list[tuple[Special, Layer, list[Any]]] = []
    for i, entry in enumerate(entries):
        where = ["syscalls", i]
        if isinstance(entry, dict):
            rule = _special(entry, name, layers, where)
            rules.append((rule, layer, where))
            syscall = rule.name
            allowed = rule.errno is None
            if allowed and syscall in dangerous and not (rule.args and syscall in with_args):
                raise field_error(f"{syscall} is dangerous ({dangerous[syscall]}): no group may "
                                  f"allow "
                           "it; a service asks for it under syscalls.allow in its answers",
                           layers, where + ["name"])
        else:
            _check_name(entry, layers, where)
            syscall = entry
            if syscall in dangerous:
                raise field_error(f"{syscall} is dangerous ({dangerous[syscall]}): no group may "
                                  f"allow "
                           "it; a service asks for it under syscalls.allow in its answers",
                           layers, where)
        if syscall in names:
            raise field_error(f"{syscall} is listed twice in this group", layers, where)
        names.append(syscall)
    return Group(name, description.strip(), str(file), tuple(names)), rules


def _special(entry: dict[str, Any], group: str, layers: Sequence[Layer],
             where: list[Any]) -> Special:
    extra = sorted(set(entry) - {"name", "why", "args", "errno"})
    if extra:
        raise field_error(f"unknown key '{extra[0]}'; expected one of: args, errno, name, why",
                   layers, where + [extra[0]])
    name = _check_name(entry.get("name"), layers, where + ["name"])
    why = entry.get("why")
    if not isinstance(why, str) or not why.strip():
        raise field_error(f"say why {name} is handled this way", layers, where + ["why"])
    if ("args" in entry) == ("errno" in entry):
        raise field_error("give exactly one of args (allowed with these arguments) or errno "
                   "(answered with this error)", layers, where)
    errno = entry.get("errno")
    if errno is not None and (not isinstance(errno, int) or isinstance(errno, bool)
                              or not 1 <= errno <= 4095):
        raise field_error("errno is a number from 1 to 4095", layers, where + ["errno"])
    alternatives = []
    for j, alternative in enumerate(entry.get("args") or []):
        if not isinstance(alternative, list) or not alternative:
            raise field_error("each alternative is a list of argument conditions", layers,
                       where + ["args", j])
        conditions = []
        for k, cond in enumerate(alternative):
            at = where + ["args", j, k]
            if not isinstance(cond, dict) or set(cond) - {"index", "op", "value", "valueTwo"} \
                    or not {"index", "op", "value"} <= set(cond):
                raise field_error("a condition is {index, op, value[, valueTwo]}", layers, at)
            if cond["op"] not in OPS:
                raise field_error(f"op must be one of {', '.join(OPS)}", layers, at + ["op"])
            if not isinstance(cond["index"], int) or not 0 <= cond["index"] <= 5:
                raise field_error("index is an argument position from 0 to 5", layers,
                                  at + ["index"])
            for key in ("value", "valueTwo"):
                value = cond.get(key, 0)
                if not isinstance(value, int) or isinstance(value, bool) or not \
                        0 <= value < 2 ** 64:
                    raise field_error(f"{key} is an unsigned 64-bit number", layers, at + [key])
            conditions.append((("index", cond["index"]), ("value", cond["value"]),
                               ("valueTwo", cond.get("valueTwo", 0)), ("op", cond["op"])))
        alternatives.append(tuple(conditions))
    if "args" in entry and not alternatives:
        raise field_error("list at least one set of argument conditions", layers, where + ["args"])
    return Special(name, group, why.strip(), tuple(alternatives), errno)
