"""Messages stay short: a huge value is echoed cut, on one readable line, in every message."""

from __future__ import annotations

import re

import pytest
from cli_support import MINIMAL_ANSWERS, run_cli

GOOD = MINIMAL_ANSWERS
HUGE = "A" * 100_000

CASES = [
    ("pattern", GOOD.replace("service: api", f"service: {HUGE.lower()}"), "service"),
    ("control", GOOD.replace("command: [python3, -m, app]",
                             f'command: ["{HUGE}\\n"]'), "command[0]"),
    ("enum", GOOD.replace("runtime: python", f"runtime: {HUGE}"), "runtime"),
    ("unknown-key", GOOD + f"? {HUGE}\n: 1\n", None),
    ("env-key", GOOD + f"env:\n  ? {HUGE}\n  : x\n", "env"),
    ("too-long", GOOD + f"labels:\n  description: {HUGE}\n", "labels.description"),
    ("namespace", GOOD + f"run:\n  namespace: {HUGE}\n", "run.namespace"),
    ("host", GOOD + f"run:\n  host_address: '{'1' * 100_000}'\n", "run.host_address"),
    ("writable", GOOD + f"writable: [/usr/{HUGE}]\n", "writable[0]"),
    ("syscall-reason", GOOD + f"syscalls:\n  allow:\n    mount: {HUGE}\n", "syscalls"),
    ("set", GOOD, "service"),
]


@pytest.mark.parametrize("case,answers,field", CASES, ids=[c[0] for c in CASES])
def test_huge_values_are_cut_in_messages(tmp_path, case, answers, field):
    (tmp_path / "tightship.yaml").write_text(answers)
    args = ("--set", f"service={HUGE}") if case == "set" else ()
    result = run_cli("render", *args, cwd=tmp_path)
    assert result.code == 2, result.out + result.err[:300]
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert len(lines[0]) < 600, lines[0][:700]
    if case != "control":  # the value is shown, cut
        assert re.search(r"(AAAAAAAAAA|aaaaaaaaaa|1111111111)\S*\.\.\.", lines[0]), lines[0]
    if field:
        assert f": {field}" in lines[0], lines[0]
    assert not list(tmp_path.glob("Dockerfile"))
