"""The generator runs `check`'s rules on what it renders and never writes what they reject."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import REPO, copy_example, run_cli
from yaml_support import read_yaml

from generator.check.checker import SelfCheckError
from generator.render.pipeline import render_service


def org_profile(tmp_path: Path, template_edit, extra: str = "") -> Path:
    """A profile whose template folder overrides the Dockerfile template (an org's mistake)."""
    templates = tmp_path / "org-templates" / "dockerfile"
    templates.mkdir(parents=True)
    original = (REPO / "templates" / "dockerfile" / "Dockerfile.j2").read_text()
    edited = template_edit(original)
    assert edited != original
    (templates / "Dockerfile.j2").write_text(edited)
    profile = tmp_path / "org.yaml"
    profile.write_text(f"name: org\nextends: default\ntemplates: org-templates\n{extra}")
    return profile


def drop_user(text: str) -> str:
    return text.replace("USER {{ user }}\n", "")


def test_a_template_that_breaks_a_rule_is_refused_and_nothing_is_written(tmp_path):
    service = copy_example("python", tmp_path)
    profile = org_profile(tmp_path, drop_user)
    out = tmp_path / "out"
    result = run_cli("render", "--profile", str(profile), "--out", str(out), cwd=service)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "break tightship's own rules" in result.err
    assert "Dockerfile:" in result.err and "TS-B03" in result.err
    assert not out.exists() or not any(out.iterdir())


def test_the_refusal_names_each_finding(tmp_path):
    profile = org_profile(tmp_path, drop_user)
    with pytest.raises(SelfCheckError) as info:
        render_service(REPO / "examples" / "go" / "tightship.yaml", str(profile))
    rules = {f.rule for f in info.value.findings}
    assert rules == {"TS-B03"}


def test_a_profile_suppression_with_a_reason_lets_it_through(tmp_path):
    profile = org_profile(tmp_path, drop_user, "suppressions:\n  - rule: TS-B03\n"
                          "    paths: [Dockerfile]\n"
                          "    reason: the platform injects the user at run time\n")
    files = render_service(REPO / "examples" / "go" / "tightship.yaml", str(profile))
    assert "\nUSER " not in files["Dockerfile"]


def test_a_profile_suppression_without_a_reason_does_not(tmp_path):
    profile = org_profile(tmp_path, drop_user, "suppressions:\n  - rule: TS-B03\n"
                          "    paths: [Dockerfile]\n")
    with pytest.raises(SelfCheckError):
        render_service(REPO / "examples" / "go" / "tightship.yaml", str(profile))


def test_an_inline_suppression_with_a_reason_in_a_template_lets_it_through(tmp_path):
    def ignored(text: str) -> str:
        return drop_user(text).replace(
            "# B07: a health check", "# tightship: ignore-file TS-B03 the platform injects the "
                                     "user at run time\n# B07: a health check")
    profile = org_profile(tmp_path, ignored)
    files = render_service(REPO / "examples" / "go" / "tightship.yaml", str(profile))
    assert "tightship: ignore-file TS-B03" in files["Dockerfile"]


@pytest.mark.parametrize("word", [": 0", "?x", ":", "? a"])
def test_flow_sequences_stay_readable_whatever_the_command_holds(word):
    """Found by the self-check: ruamel.yaml wrote `[CMD, : 0]`, which no reader reads back."""

    files = render_service(REPO / "examples" / "go" / "tightship.yaml", "default",
                           [f'healthcheck.command=["/app/hello-go", "{word}"]'])
    compose = read_yaml(files["compose.yaml"])
    assert compose["services"]["hello-go"]["healthcheck"]["test"][-1] == word
