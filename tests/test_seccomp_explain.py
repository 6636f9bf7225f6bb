"""`tightship seccomp explain`: the reasons the syscall groups give for what they leave out
(dangerous.yaml) and for what they allow only with conditions, read from the group files."""

from __future__ import annotations

import shutil

import pytest
from cli_support import REPO, run_cli
from ruamel.yaml import YAML

pytest.importorskip("pyseccomp")

GROUPS = REPO / "profiles" / "seccomp"


def dangerous() -> dict[str, str]:
    entries = YAML(typ="safe").load((GROUPS / "dangerous.yaml").read_text())["dangerous"]
    return {name: about["why"] if isinstance(about, dict) else about
            for name, about in entries.items()}


def test_every_dangerous_call_is_listed_with_why_it_is_left_out():
    result = run_cli("seccomp", "explain")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    for name, why in dangerous().items():
        assert any(line.split()[:1] == [name] and line.endswith(f" {why}") for line in lines), name
    clone = next(line for line in lines if line.split()[:1] == ["clone"])
    assert "argument conditions" in clone and "never in new namespaces" in clone
    clone3 = next(line for line in lines if line.split()[:1] == ["clone3"])
    assert "errno 38" in clone3


def test_named_syscalls_say_how_each_is_handled():
    result = run_cli("seccomp", "explain", "ptrace", "clone", "read", "sched_setattr")
    assert result.code == 0, result.err
    ptrace, clone, read, other = result.out.splitlines()
    assert ptrace == f"ptrace: never allowed by a group (dangerous.yaml): {dangerous()['ptrace']}"
    assert clone == ("clone: group process: allowed only with argument conditions: threads and "
                     "child processes, never in new namespaces")
    assert read.startswith("read: allowed by group ")
    assert "file-io" in read.removeprefix("read: allowed by group ").split(", ")
    assert other == "sched_setattr: in no group: denied (EPERM) unless the answers allow it"


def test_an_unknown_syscall_is_one_line_and_exit_2():
    result = run_cli("seccomp", "explain", "read", "opne")
    assert result.code == 2
    assert result.out == ""
    assert result.err.strip().splitlines() == [
        "tightship: error: unknown syscall 'opne': libseccomp knows no such syscall on x86_64 "
        "or aarch64"]


def test_the_reasons_come_from_the_profiles_group_folder(tmp_path):
    folder = tmp_path / "groups"
    shutil.copytree(GROUPS, folder)
    danger = folder / "dangerous.yaml"
    danger.write_text(danger.read_text().replace(
        "  bpf: loads programs into the kernel\n",
        "  bpf: our kernels run unprivileged eBPF off, and it stays off\n"))
    profile = tmp_path / "org.yaml"
    profile.write_text("name: org\nextends: default\nseccomp:\n  groups: groups\n")
    result = run_cli("seccomp", "explain", "--profile", str(profile), "bpf")
    assert result.code == 0, result.err
    assert result.out == ("bpf: never allowed by a group (dangerous.yaml): our kernels run "
                          "unprivileged eBPF off, and it stays off\n")
