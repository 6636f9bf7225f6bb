"""What a render keeps in the cache folder (a profile's values, a schema pass, an AppArmor
compile) is used only while the files it came from read the same, and never hides an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_support import EXAMPLES, REPO, run_cli

LIMITS = "limits:\n  default: {{memory: {memory}, cpus: '0.25', pids: 64, ephemeral_storage: 256Mi}}\n"


@pytest.fixture
def service(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "service"
    shutil.copytree(EXAMPLES / "python", folder)
    return folder


def render(service: Path, profile: Path | str = "default", out: str = "out"):
    return run_cli("render", "--answers", str(service / "tightship.yaml"), "--profile",
                   str(profile), "--out", str(service / out), "--force")


def compose(service: Path, out: str = "out") -> str:
    return (service / out / "compose.yaml").read_text(encoding="utf-8")


def write_profile(folder: Path, memory: str) -> Path:
    """A profile that extends a copy of the default one and sets the default memory limit."""
    shutil.copy(REPO / "profiles" / "default.yaml", folder / "base.yaml")
    shutil.copytree(REPO / "profiles" / "seccomp", folder / "seccomp")  # relative to base.yaml
    child = folder / "child.yaml"
    child.write_text(f"name: child\nextends: ./base.yaml\n{LIMITS.format(memory=memory)}",
                     encoding="utf-8")
    return child


def test_a_changed_profile_is_read_again(service):
    profile = write_profile(service, "96Mi")
    assert render(service, profile).code == 0
    assert render(service, profile, "again").code == 0
    assert compose(service) == compose(service, "again")
    assert "mem_limit: 96m" in compose(service)
    profile.write_text(profile.read_text().replace("96Mi", "80Mi"), encoding="utf-8")
    assert render(service, profile).code == 0
    assert "mem_limit: 80m" in compose(service)


def test_a_changed_parent_profile_is_read_again(service):
    profile = write_profile(service, "96Mi")
    assert render(service, profile).code == 0
    base = service / "base.yaml"
    base.write_text(base.read_text().replace("restart_retries: 5", "restart_retries: 2"),
                    encoding="utf-8")
    assert "restart_retries: 2" in base.read_text()
    assert render(service, profile).code == 0
    assert "on-failure:2" in compose(service)


def test_an_error_in_a_cached_profile_still_names_its_line(service):
    profile = write_profile(service, "96Mi")
    with profile.open("a", encoding="utf-8") as out:
        out.write("seccomp:\n  groups: no-such-folder\n")
    first, second = render(service, profile), render(service, profile)
    assert first.code == second.code == 2
    assert first.err == second.err
    assert f"{profile}:6: seccomp.groups" in second.err


def test_answers_that_passed_before_are_still_judged_when_they_change(service):
    assert render(service).code == 0
    answers = service / "tightship.yaml"
    answers.write_text(answers.read_text().replace("ports: [8080]", "ports: [80800]"),
                       encoding="utf-8")
    result = render(service)
    assert result.code == 2
    assert f"{answers}:11: ports[0]" in result.err


def test_a_cache_folder_that_cannot_be_written_only_costs_time(service, tmp_path, monkeypatch):
    assert render(service).code == 0
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(blocked / "cache"))
    assert render(service, out="blocked").code == 0
    assert compose(service) == compose(service, "blocked")


def test_a_remembered_self_check_pass_holds_only_for_the_same_profile_values(service):
    """Files that passed under a profile's suppression are checked again, and refused, once
    the suppression is gone, though the files are byte for byte the same."""
    templates = service / "org-templates" / "dockerfile"
    templates.mkdir(parents=True)
    original = (REPO / "templates" / "dockerfile" / "Dockerfile.j2").read_text()
    assert "USER {{ user }}\n" in original
    (templates / "Dockerfile.j2").write_text(original.replace("USER {{ user }}\n", ""))
    profile = service / "org.yaml"
    plain = "name: org\nextends: default\ntemplates: org-templates\n"
    profile.write_text(plain + "suppressions:\n  - rule: TS-B03\n    paths: [Dockerfile]\n"
                       "    reason: the platform injects the user at run time\n")
    assert render(service, profile).code == 0
    assert render(service, profile, "again").code == 0
    assert "\nUSER " not in (service / "again" / "Dockerfile").read_text()
    profile.write_text(plain)
    result = render(service, profile, "refused")
    assert result.code == 2
    assert "Dockerfile:" in result.err and "TS-B03" in result.err
    assert not (service / "refused").exists()


def test_answers_read_back_from_the_cache_still_name_their_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(tmp_path / "cache"))
    service = tmp_path / "generic"
    shutil.copytree(EXAMPLES / "generic", service)
    assert render(service).code == 0
    refused = render(service, "strict")
    assert refused.code == 2
    assert f"{service / 'tightship.yaml'}:5: runtime: profile 'strict' offers no images" \
        in refused.err


def test_a_self_check_pass_is_remembered_per_version_of_the_rules(tmp_path, monkeypatch):
    """The pass is named by the check package's modules: another version of a rule (an
    upgrade, an edit) reads no pass that an earlier version gave."""
    from generator.render import pipeline
    from generator.render.pipeline import load_spec

    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "check"
    (rules / "rules").mkdir(parents=True)
    rule = rules / "rules" / "r01.py"
    rule.write_text("RULE = 1\n")
    monkeypatch.setattr(pipeline, "_CHECK", rules)
    _, profile = load_spec(EXAMPLES / "python" / "tightship.yaml", "default", [])
    files = {"Dockerfile": "FROM scratch\n"}
    markers = []
    for text in ("RULE = 1\n", "RULE = 22\n"):
        rule.write_text(text)
        pipeline._check_modules.cache_clear()
        markers.append(pipeline._pass_marker(files, profile))
    pipeline._check_modules.cache_clear()
    assert None not in markers and markers[0] != markers[1]
