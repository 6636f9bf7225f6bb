"""A value the self-check refuses is reported against the answer that caused it, and a bad
`extends` target names the `extends` line that led there."""

from __future__ import annotations

import re

from cli_support import copy_example, run_cli


def _refused(result) -> str:
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


def test_heredoc_word_in_build_command_names_the_answer(tmp_path):
    service = copy_example("java", tmp_path)
    answers = service / "tightship.yaml"
    text = answers.read_text()
    line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith("  command:"))
    answers.write_text(text.replace("  command: [mvn, -B, -q, -DskipTests, package]",
                                    "  command: [mvn, -B, '<<EOF', -q, -DskipTests, package]"))
    before = sorted(p.name for p in service.iterdir())
    shown = _refused(run_cli("render", cwd=service))
    assert re.search(rf"^tightship: error: tightship\.yaml:{line}: build\.command\[2\]: "
                     r"'<<EOF' gives Dockerfile:\d+:\d+: TS-P01", shown), shown
    assert sorted(p.name for p in service.iterdir()) == before


def test_heredoc_word_from_set_names_set(tmp_path):
    service = copy_example("java", tmp_path)
    shown = _refused(run_cli("render", "--set", "build.command=[mvn, package, '<<EOT']",
                             cwd=service))
    assert re.search(r"--set: build\.command\[2\]: '<<EOT' gives Dockerfile:\d+", shown), shown


def test_bad_extends_target_names_the_extends_line(tmp_path):
    service = copy_example("python", tmp_path)
    (tmp_path / "broken.yaml").write_text("name: broken\nimages: [unclosed\n")
    (tmp_path / "team.yaml").write_text("name: team\n# our base\nextends: ./broken.yaml\n")
    shown = _refused(run_cli("render", "--profile", str(tmp_path / "team.yaml"), cwd=service))
    assert re.search(r"broken\.yaml:\d+: invalid YAML: .*\(reached through `extends` at "
                     r".*team\.yaml:3\)", shown), shown


def test_extends_chain_names_each_step(tmp_path):
    service = copy_example("python", tmp_path)
    (tmp_path / "c.yaml").write_text("- not a mapping\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: ./c.yaml\n")
    (tmp_path / "a.yaml").write_text("name: a\n\n\nextends: ./b.yaml\n")
    shown = _refused(run_cli("render", "--profile", str(tmp_path / "a.yaml"), cwd=service))
    assert "c.yaml:1: a profile must be a mapping" in shown
    assert re.search(r"b\.yaml:2\).*a\.yaml:4\)", shown), shown
