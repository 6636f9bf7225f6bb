"""seccomp.json (R04): built from the project's syscall groups, loadable by libseccomp, tight."""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path

import fuzz_budget
import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, REPO, copy_example, run_cli, run_subprocess
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import UserError
from generator.render.pipeline import load_spec, render_service
from generator.render.seccomp_groups import load_groups
from generator.render.syscall_rules import allowed_names

pyseccomp = pytest.importorskip("pyseccomp")

DOCKER_DEFAULT_COUNT = 361  # names Docker's default profile allows unconditionally
# Each service's ceiling: half of Docker's default, with room for what real servers call.
MAX_ALLOWED = 180
REALISTIC = ("spool-worker", "django-uploads", "express-pnpm", "nginx-static")
NETWORK_CALLS = {"socket", "bind", "listen", "accept", "accept4", "connect", "sendto",
                 "recvfrom", "sendmsg", "recvmsg", "getsockopt", "setsockopt"}
_OPS = {"SCMP_CMP_NE": pyseccomp.NE, "SCMP_CMP_LT": pyseccomp.LT, "SCMP_CMP_LE": pyseccomp.LE,
        "SCMP_CMP_EQ": pyseccomp.EQ, "SCMP_CMP_GE": pyseccomp.GE, "SCMP_CMP_GT": pyseccomp.GT,
        "SCMP_CMP_MASKED_EQ": pyseccomp.MASKED_EQ}
_ARCHES = {"SCMP_ARCH_X86_64": pyseccomp.Arch.X86_64, "SCMP_ARCH_AARCH64": pyseccomp.Arch.AARCH64}


def load_with_libseccomp(text: str) -> int:
    """Build the profile as a libseccomp filter (never loaded into this process) and compile it
    to BPF; return how many syscalls it allows. Raises on anything libseccomp refuses."""
    doc = json.loads(text)
    if doc["defaultAction"] != "SCMP_ACT_ERRNO":
        raise ValueError(f"unexpected default action {doc['defaultAction']}")
    flt = pyseccomp.SyscallFilter(pyseccomp.ERRNO(doc["defaultErrnoRet"]))
    for entry in doc["archMap"]:
        arch = _ARCHES[entry["architecture"]]
        if not flt.exist_arch(arch):
            flt.add_arch(arch)
    allowed = set()
    for rule in doc["syscalls"]:
        if rule["action"] == "SCMP_ACT_ALLOW":
            action = pyseccomp.ALLOW
        elif rule["action"] == "SCMP_ACT_ERRNO":
            action = pyseccomp.ERRNO(rule["errnoRet"])
        else:
            raise ValueError(f"unexpected action {rule['action']}")
        args = [pyseccomp.Arg(a["index"], _OPS[a["op"]], a["value"], a.get("valueTwo", 0))
                for a in rule.get("args", [])]
        for name in rule["names"]:
            number = pyseccomp.resolve_syscall(pyseccomp.Arch.X86_64, name)
            if number < 0:
                raise ValueError(f"{name} does not resolve on x86_64")
            flt.add_rule(action, name, *args)
            if rule["action"] == "SCMP_ACT_ALLOW":
                allowed.add(name)
    with open("/dev/null", "wb") as sink:
        flt.export_bpf(sink)
    return len(allowed)


def render_example(name: str, profile: str = "default", sets=()) -> dict[str, str]:
    return render_service(EXAMPLES / name / "tightship.yaml", profile, sets)


@pytest.mark.parametrize("example", EXAMPLE_NAMES + REALISTIC)
def test_every_example_profile_loads_through_libseccomp_and_is_tight(example):
    text = render_example(example)["seccomp.json"]
    doc = json.loads(text)
    assert doc["defaultAction"] == "SCMP_ACT_ERRNO" and doc["defaultErrnoRet"] == 1
    assert [a["architecture"] for a in doc["archMap"]] == ["SCMP_ARCH_X86_64",
                                                           "SCMP_ARCH_AARCH64"]
    count = load_with_libseccomp(text)
    assert count <= MAX_ALLOWED < DOCKER_DEFAULT_COUNT / 2, f"{example} allows {count} syscalls"


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_no_dangerous_syscall_is_allowed_by_any_example(example):
    spec, _ = load_spec(EXAMPLES / example / "tightship.yaml", "default")
    allowed = set(allowed_names(spec.confinement.rules))
    dangerous = set(load_groups().dangerous)
    assert allowed and dangerous  # both read: an empty one would make the next line pass
    # personality is allowed only for the harmless domains, by argument
    assert allowed & dangerous <= {"personality"}
    personality = [r for r in spec.confinement.rules if "personality" in r.names]
    assert personality and all(r.args for r in personality)
    for must_fail in ("mount", "unshare", "ptrace", "keyctl", "bpf", "setns", "io_uring_setup",
                      "userfaultfd", "perf_event_open", "clock_settime", "kexec_load"):
        assert must_fail not in allowed


def test_clone_never_makes_namespaces_and_clone3_answers_enosys():
    doc = json.loads(render_example("python")["seccomp.json"])
    clone = [r for r in doc["syscalls"] if r["names"] == ["clone"]]
    assert clone == [{"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                      "args": [{"index": 0, "value": 0x7E020000, "valueTwo": 0,
                                "op": "SCMP_CMP_MASKED_EQ"}],
                      "comment": clone[0]["comment"]}]
    clone3 = [r for r in doc["syscalls"] if r["names"] == ["clone3"]]
    assert clone3[0]["action"] == "SCMP_ACT_ERRNO" and clone3[0]["errnoRet"] == 38
    plain = {n for r in doc["syscalls"] if "args" not in r and r["action"] == "SCMP_ACT_ALLOW"
             for n in r["names"]}
    assert not {"clone", "clone3", "socket", "personality"} & plain


def test_each_rule_says_which_group_it_came_from():
    doc = json.loads(render_example("node")["seccomp.json"])
    comments = [r["comment"] for r in doc["syscalls"]]
    for group in ("file-io", "memory", "signals", "process", "time", "events", "networking",
                  "node"):
        assert any(c.split(":")[0] == group for c in comments), group
    names = [n for r in doc["syscalls"] for n in r["names"]]
    assert len([n for n in names if n != "socket" and n != "personality"]) == len(
        set(names) - {"socket", "personality"}), "a syscall is listed twice"


def test_output_is_byte_identical_across_runs_and_processes(tmp_path):
    first = render_example("go")["seccomp.json"]
    assert render_example("go")["seccomp.json"] == first
    service = copy_example("go", tmp_path)
    result = run_subprocess("render", "--answers", "tightship.yaml", cwd=service,
                            env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin",
                                 "PYTHONPATH": str(REPO),
                                 "TIGHTSHIP_CACHE_DIR": os.environ["TIGHTSHIP_CACHE_DIR"]})
    assert result.code == 0, result.err
    assert (service / "seccomp.json").read_text() == first


NO_NETWORK = """\
service: batch
runtime: go
build:
  dependencies: [go.mod]
  sources: [main.go]
command: [/app/batch]
healthcheck:
  command: [/app/batch, -healthcheck]
"""


def test_a_service_without_network_gets_no_socket_calls(tmp_path):
    (tmp_path / "tightship.yaml").write_text(NO_NETWORK)
    spec, _ = load_spec(tmp_path / "tightship.yaml", "default")
    assert "networking" not in spec.confinement.groups
    assert not NETWORK_CALLS & set(allowed_names(spec.confinement.rules))
    python = NO_NETWORK.replace("runtime: go", "runtime: python").replace(
        "dependencies: [go.mod]", "dependencies: [requirements.txt]").replace(
        "main.go", "app/")
    (tmp_path / "tightship.yaml").write_text(python)
    spec, _ = load_spec(tmp_path / "tightship.yaml", "default")
    allowed = set(allowed_names(spec.confinement.rules))
    assert not NETWORK_CALLS & allowed
    assert "socketpair" in allowed  # the python runtime's own need (asyncio's self-pipe)


def test_answers_add_and_take_away_syscalls_with_reasons(tmp_path):
    service = copy_example("python", tmp_path)
    with (service / "tightship.yaml").open("a") as handle:
        handle.write("syscalls:\n  allow:\n    mlock: keeps key material out of swap\n"
                     "  deny: [getrandom]\n")
    spec, _ = load_spec(service / "tightship.yaml", "default")
    doc = json.loads(render_service(service / "tightship.yaml", "default")["seccomp.json"])
    added = [r for r in doc["syscalls"] if "mlock" in r["names"]]
    assert added[0]["comment"] == "answers: keeps key material out of swap"
    assert "getrandom" not in allowed_names(spec.confinement.rules)


def _appended_line(service: Path) -> int:
    """The line number the next line appended to the service's answers file will have."""
    return len((service / "tightship.yaml").read_text().splitlines()) + 1


def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text("name: org\nextends: default\n" + textwrap.dedent(body))
    return path


def test_a_dangerous_syscall_needs_a_reason_the_profile_accepts(tmp_path):
    service = copy_example("python", tmp_path)
    line = _appended_line(service)
    with (service / "tightship.yaml").open("a") as handle:
        handle.write("syscalls:\n  allow:\n    io_uring_setup: fast disk\n")
    out = tmp_path / "out"
    result = run_cli("render", "--answers", str(service / "tightship.yaml"), "--out", str(out))
    assert result.code == 2
    assert f"tightship.yaml:{line + 2}: syscalls.allow.io_uring_setup:" in result.err
    assert "does not accept the reason 'fast disk'" in result.err
    assert not out.exists()

    profile = _profile(tmp_path, """\
        seccomp:
          accepted_reasons:
            io_uring_setup: [fast disk]
        """)
    spec, _ = load_spec(service / "tightship.yaml", str(profile))
    assert "io_uring_setup" in allowed_names(spec.confinement.rules)


@pytest.mark.parametrize("where", ["allow", "deny"])
def test_an_unknown_syscall_in_the_answers_is_refused(tmp_path, where):
    service = copy_example("go", tmp_path)
    line = _appended_line(service)
    entry = "    opne: typo\n" if where == "allow" else "    - opne\n"
    with (service / "tightship.yaml").open("a") as handle:
        handle.write(f"syscalls:\n  {where}:\n{entry}")
    out = tmp_path / "out"
    result = run_cli("render", "--answers", str(service / "tightship.yaml"), "--out", str(out))
    assert result.code == 2, result.err
    field = "syscalls.allow.opne" if where == "allow" else "syscalls.deny[0]"
    assert f"tightship.yaml:{line + 2}: {field}: unknown syscall 'opne'" in result.err
    assert not out.exists()


def _groups(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "groups"
    folder.mkdir()
    for file in (REPO / "profiles" / "seccomp").glob("*.yaml"):
        (folder / file.name).write_text(file.read_text())
    (folder / "extra.yaml").write_text(extra)
    return folder


@pytest.mark.parametrize("extra, line, field, words", [
    ("group: extra\ndescription: test\nsyscalls:\n  - read\n  - opne\n", 5, "syscalls[1]",
     "unknown syscall 'opne'"),
    ("group: extra\ndescription: test\nsyscalls:\n  - mount\n", 4, "syscalls[0]",
     "mount is dangerous"),
    ("group: extra\ndescription: test\nsyscalls:\n  - name: clone\n    why: x\n    errno: 38\n",
     None, "syscalls[", "clone is already handled differently"),
    ("group: wrong\ndescription: test\nsyscalls: [read]\n", 1, "group", "wrong.yaml"),
    ("group: extra\ndescription: test\nsyscalls: [read]\nsyscals: []\n", 4, "syscals",
     "unknown key"),
])
def test_a_bad_syscall_group_is_refused_with_file_line_and_field(tmp_path, extra, line, field,
                                                                 words):
    folder = _groups(tmp_path, extra)
    profile = _profile(tmp_path, f"""\
        seccomp:
          groups: {folder.name}
          runtimes:
            go: [go, extra]
        """)
    service = copy_example("go", tmp_path)
    out = tmp_path / "out"
    result = run_cli("render", "--answers", str(service / "tightship.yaml"), "--profile",
                     str(profile), "--out", str(out))
    assert result.code == 2, result.err
    if line is None:  # reported at whichever of the two definitions is read second
        assert re.search(r"(extra|process)\.yaml:\d+: syscalls\[\d+\]:", result.err)
    else:
        assert f"extra.yaml:{line}: {field}:" in result.err
    assert words in result.err
    assert not out.exists()


def test_a_profile_naming_a_missing_group_is_refused(tmp_path):
    profile = _profile(tmp_path, """\
        seccomp:
          runtimes:
            go: [golang]
        """)
    result = run_cli("render", "--answers", str(EXAMPLES / "go" / "tightship.yaml"),
                     "--profile", str(profile), "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert "org.yaml:5: seccomp.runtimes.go[0]: no syscall group 'golang'" in result.err


@pytest.mark.parametrize("change, field", [
    ("capabilities:\n  SYS_ADMIN: wants everything\n", "capabilities.SYS_ADMIN"),
    ("writable: [/]\n", "writable[0]"),
])
def test_other_bad_input_is_refused_and_nothing_is_written(tmp_path, change, field):
    service = copy_example("go", tmp_path)
    text = (service / "tightship.yaml").read_text().replace("writable: [/tmp]\n", "")
    (service / "tightship.yaml").write_text(text + change)
    out = tmp_path / "out"
    result = run_cli("render", "--answers", str(service / "tightship.yaml"), "--out", str(out))
    assert result.code == 2
    assert "tightship.yaml:" in result.err and f": {field}:" in result.err
    assert not out.exists()


def test_a_broken_profile_is_rejected_by_libseccomp():
    doc = json.loads(render_example("go")["seccomp.json"])
    doc["syscalls"][0]["names"].append("not_a_syscall")
    with pytest.raises((ValueError, OSError)):
        load_with_libseccomp(json.dumps(doc))
    doc = json.loads(render_example("go")["seccomp.json"])
    doc["syscalls"][0]["args"] = [{"index": 9, "value": 0, "op": "SCMP_CMP_EQ"}]
    with pytest.raises((ValueError, OSError)):
        load_with_libseccomp(json.dumps(doc))


def test_the_group_files_are_commented_and_every_name_resolves():
    groups = load_groups()
    assert {"file-io", "memory", "signals", "networking", "process", "time", "python", "node",
            "jvm", "go"} <= set(groups.groups)
    for group in groups.groups.values():
        text = Path(group.file).read_text()
        assert text.startswith("#"), f"{group.file} has no comment saying what it is for"
        for name in group.syscalls:
            assert pyseccomp.resolve_syscall(pyseccomp.Arch.X86_64, name) >= 0 or \
                pyseccomp.resolve_syscall(pyseccomp.Arch.AARCH64, name) >= 0


def test_groups_load_errors_are_user_errors(tmp_path):
    (tmp_path / "g").mkdir()
    with pytest.raises(UserError, match="dangerous.yaml"):
        load_groups(tmp_path / "g")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)


@settings(max_examples=fuzz_budget.examples(300), deadline=None)
@given(value=JSON_VALUES)
def test_the_profile_is_laid_out_as_json_dumps_would(value):
    """The seccomp file's layout is json.dumps's with indent=2, for any JSON value."""
    from generator.render.outputs.seccomp import indented_json

    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=True)
