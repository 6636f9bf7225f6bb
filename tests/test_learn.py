"""`tightship seccomp learn`: the traced profile is smaller than the static one and still runs."""

from __future__ import annotations

import json

import pytest
from cli_support import copy_example, run_cli

from generator.engine.learn import learned_rules, parse_trace
from generator.render.seccomp_groups import START_GROUP, load_groups
from generator.render.syscall_rules import allowed_names

TRACE = """\
12    execve("/app/hello-go", ["/app/hello-go"], 0x7ffc /* 3 vars */) = 0
12    arch_prctl(ARCH_SET_FS, 0x5d6b30) = 0
12    clone(child_stack=0xc000060000, flags=CLONE_VM|CLONE_FS|CLONE_THREAD) = 13
13    futex(0x5d6f68, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
12    <... futex resumed>) = 0
12    clone3({flags=CLONE_VM, exit_signal=0}, 88) = -1 ENOSYS (Function not implemented)
12    ptrace(PTRACE_TRACEME) = -1 EPERM (Operation not permitted)
12    syscall_0x1b6(0x1, 0x2) = -1 ENOSYS (Function not implemented)
12    --- SIGURG {si_signo=SIGURG, si_code=SI_TKILL} ---
12    +++ exited with 0 +++
"""


def test_parse_trace_reads_names_from_strace_output():
    assert parse_trace(TRACE) == {"execve", "arch_prctl", "clone", "futex", "clone3", "ptrace"}


def test_learned_profile_keeps_special_rules_and_leaves_dangerous_calls_out():
    groups = load_groups()
    rules, left_out = learned_rules(parse_trace(TRACE), groups, ["go"])
    assert left_out == ("ptrace",)
    allowed = set(allowed_names(rules))
    assert "ptrace" not in allowed
    assert groups.groups[START_GROUP].syscalls and groups.groups["go"].syscalls
    assert set(groups.groups[START_GROUP].syscalls) <= allowed
    assert set(groups.groups["go"].syscalls) <= allowed
    clone = [r for r in rules if r.names == ("clone",)]
    assert clone and all(r.args for r in clone)
    clone3 = [r for r in rules if r.names == ("clone3",)]
    assert clone3[0].errno == 38
    assert [r.comment for r in rules][0] == "traced while running"


def test_learn_without_answers_needs_the_runtime(tmp_path):
    result = run_cli("seccomp", "learn", "--image", "example/none:1", "--answers",
                     str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "p.json"))
    assert result.code == 2
    assert "--runtime" in result.err
    assert not (tmp_path / "p.json").exists()


@pytest.mark.engine
def test_learned_profile_is_smaller_than_the_static_one_and_stays_healthy(
        engine, engine_profile, tmp_path):
    from engine_support import build_image, run_container, wait_healthy

    service = copy_example("go", tmp_path)
    assert run_cli("render", "--answers", str(service / "tightship.yaml"), "--profile",
                   str(engine_profile)).code == 0
    image = build_image(engine, service, "tightship-test/learn-go:latest")
    out = tmp_path / "learned.json"
    result = run_cli("seccomp", "learn", "--image", "tightship-test/learn-go:latest",
                     "--answers", str(service / "tightship.yaml"), "--profile",
                     str(engine_profile), "--run-seconds", "4",
                     "--exercise", "/app/hello-go -healthcheck", "--out", str(out))
    assert result.code == 0, result.out + result.err
    assert "healthy under it" in result.out
    learned = json.loads(out.read_text())
    static = json.loads((service / "seccomp.json").read_text())

    def count(doc):
        return len({n for r in doc["syscalls"] if r["action"] == "SCMP_ACT_ALLOW"
                    for n in r["names"]})

    assert count(learned) < count(static), (count(learned), count(static))
    print(f"\nlearned profile: {count(learned)} syscalls; static: {count(static)}; "
          "Docker's default: 361")
    # An independent check of the learn command's own claim: healthy under the written file.
    fast = {"interval": 2_000_000_000, "timeout": 5_000_000_000, "retries": 3,
            "start_period": 1_000_000_000}
    with run_container(engine, image, read_only=True, cap_drop=["ALL"], healthcheck=fast,
                       security_opt=["no-new-privileges:true",
                                     "seccomp=" + out.read_text()]) as container:
        wait_healthy(container, timeout=60)
