"""Hostile YAML in answers files, profiles and --set: alias bombs, self-referencing aliases,
huge integers and deep nesting end quickly in exit 2 with file:line: field, never a hang or 70."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from cli_support import MINIMAL_ANSWERS, run_cli

GOOD = MINIMAL_ANSWERS


def laughs(levels: int = 9, width: int = 9, key: str = "lol") -> str:
    """The classic: each level is `width` aliases of the one before; about 1 kB of text."""
    text = f"{key}0: &{key}0 [" + ", ".join(['"ha"'] * width) + "]\n"
    for level in range(1, levels):
        text += f"{key}{level}: &{key}{level} [" + ", ".join(
            [f"*{key}{level - 1}"] * width) + "]\n"
    return text


def _render(folder: Path, *args: str):
    started = time.process_time()
    before = sorted(p.name for p in folder.iterdir())
    result = run_cli("render", *args, cwd=folder)
    assert time.process_time() - started < 30  # it ends, and quickly
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written
    return result


def _one_line(result, pattern: str) -> str:
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert re.search(pattern, lines[0]), lines[0]
    assert "internal error" not in lines[0]
    return lines[0]


ANSWERS = [
    ("billion-laughs", laughs() + GOOD,
     r"tightship\.yaml:\d+: lol\d\[\d\]: more than 10,000 values once aliases are expanded"),
    ("laughs-in-a-field", GOOD + "env:\n  A: &a [x, x, x, x, x, x, x, x, x, x]\n"
     "  B: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "  C: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "  D: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "  E: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
     r"tightship\.yaml:1[45]: env\.[DE]\[\d\]: more than 10,000 values"),
    ("self-alias", "loop: &x [1, *x]\n" + GOOD,
     r"tightship\.yaml:1: loop\[1\]: alias \*x refers to itself"),
    ("self-alias-mapping", GOOD + "labels: &l {description: x, more: *l}\n",
     r"tightship\.yaml:10: labels\.more: alias \*l refers to itself"),
    ("huge-int", GOOD.replace("ports: [8080]", "ports: [" + "9" * 5000 + "]"),
     r"tightship\.yaml:7: ports\[0\]: a number of 5,000 digits"),
    ("huge-hex", GOOD + "workers: 0x" + "f" * 5000 + "\n",
     r"tightship\.yaml:10: workers: a number of 5,002 digits"),
    ("deep-flow", GOOD.replace("ports: [8080]", "ports: " + "[" * 100000 + "]" * 100000),
     r"tightship\.yaml:7: ports(\[0\])+\.\.\. \(98 characters\): nested more than 32 levels"),
    ("deep-block", GOOD + "".join("  " * i + f"k{i}:\n" for i in range(200)),
     r"tightship\.yaml:\d+: k0\.k1\..*: nested more than 32 levels deep"),
]


@pytest.mark.parametrize("case,answers,pattern", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_hostile_answers(tmp_path, case, answers, pattern):
    (tmp_path / "tightship.yaml").write_text(answers)
    _one_line(_render(tmp_path), pattern)


def test_billion_laughs_is_small(tmp_path):
    assert len(laughs()) < 1100  # the attack really is a 1 kB file


def test_a_few_aliases_still_work(tmp_path):
    """Anchors and aliases within the bounds are plain YAML and keep working."""
    (tmp_path / "tightship.yaml").write_text(
        GOOD.replace("command: [python3, -m, app]", "command: &cmd [python3, -m, app]")
        + "writable: &w [/tmp]\n")
    result = run_cli("render", "--out", "out", cwd=tmp_path)
    assert result.code == 0, result.err


SETS = [
    ("deep", "ports=" + "[" * 50000 + "]" * 50000, r"--set: ports: nested more than 32"),
    ("huge-int", "ports=[" + "7" * 5000 + "]", r"--set: ports: a number of 5,000 digits"),
    ("laughs", "env=" + "{a: &a [x,x,x,x,x,x,x,x,x,x], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a],"
     " c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]}",
     r"--set: env: more than 10,000 values"),
    ("self", "ports=&x [*x]", r"--set: ports: alias \*x refers to itself"),
]


@pytest.mark.parametrize("case,item,pattern", SETS, ids=[s[0] for s in SETS])
def test_hostile_set_values(tmp_path, case, item, pattern):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    _one_line(_render(tmp_path, "--set", item), pattern)


def test_hostile_profile_names_the_extends_line(tmp_path):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    (tmp_path / "base.yaml").write_text(laughs(key="x"))
    (tmp_path / "team.yaml").write_text("name: team\n\nextends: ./base.yaml\n")
    line = _one_line(_render(tmp_path, "--profile", str(tmp_path / "team.yaml")),
                     r"base\.yaml:\d+: x\d\[\d\]: more than 10,000 values")
    assert re.search(r"reached through `extends` at .*team\.yaml:3\)", line), line


def test_hostile_profile_itself(tmp_path):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    (tmp_path / "team.yaml").write_text("name: team\nextends: default\nself: &s {a: *s}\n")
    _one_line(_render(tmp_path, "--profile", str(tmp_path / "team.yaml")),
              r"team\.yaml:3: self\.a: alias \*s refers to itself")


BRACKETS = "[" * 40 + "{" * 40  # more than the depth bound, were they collections

QUOTED = [  # brackets that are text, not collections: the values render as written
    ("double-quoted", f'labels:\n  description: "{BRACKETS}"\n'),
    ("single-quoted", f"labels:\n  description: '{BRACKETS}'\n"),
    ("block-scalar", f"labels:\n  description: |-\n    {BRACKETS}\n"),
    ("comment", f"# {BRACKETS}\n"),
    ("quoted-in-flow", f'env: {{A: "{BRACKETS}", B: "]]"}}\n'),
]


@pytest.mark.parametrize("case,extra", QUOTED, ids=[q[0] for q in QUOTED])
def test_deep_brackets_inside_text_are_no_nesting(tmp_path, case, extra):
    (tmp_path / "tightship.yaml").write_text(GOOD + extra)
    result = run_cli("render", "--out", "out", cwd=tmp_path)
    assert result.code == 0, result.err
    if "description" in extra:
        assert BRACKETS in (tmp_path / "out" / "Dockerfile").read_text()
    set_result = run_cli("render", "--out", "out2", "--set", f"labels.description='{BRACKETS}'",
                         cwd=tmp_path)
    assert set_result.code == 0, set_result.err
    assert BRACKETS in (tmp_path / "out2" / "Dockerfile").read_text()


def test_deep_flow_under_a_key_inside_flow_names_the_same_field(tmp_path):
    """A flow mapping's key made of brackets ([a]: b) is read past the point of refusal the
    same way: the message names the field the whole text gives."""
    deep = "[" * 40 + "]" * 40
    (tmp_path / "tightship.yaml").write_text(GOOD + f"env: {{A: {deep}}}\n")
    _one_line(_render(tmp_path), r"tightship\.yaml:10: env\.A(\[0\])+.*nested more than 32")
