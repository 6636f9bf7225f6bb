"""User namespaces on Kubernetes: `hostUsers: false` from the profile or the answers, refused
for a target before 1.33, valid (strict) for the versions that have it, and runAsNonRoot and
runAsUser kept beside it."""

from __future__ import annotations

import kubernetes_validate
import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, run_cli
from userns_support import assert_user_namespaced
from userns_support import userns_profile as profile
from yaml_support import read_yaml

from generator.render.pipeline import render_service


def deployment(files: dict[str, str]) -> dict:
    return read_yaml(files["k8s/deployment.yaml"])


@pytest.fixture(scope="module")
def shared_profiles(tmp_path_factory):
    """One folder of profiles for the module: each example loads the same file from the cache."""
    return tmp_path_factory.mktemp("userns-profiles")


@pytest.mark.parametrize("version", ["1.33", "1.35", "1.36", "1.37"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_profile_switch_writes_host_users_false(shared_profiles, name, version):
    files = render_service(EXAMPLES / name / "tightship.yaml",
                           profile(shared_profiles, version, on=True), [])
    assert_user_namespaced(deployment(files), version)


def test_off_by_default_and_the_answers_turn_it_on(tmp_path):
    answers = EXAMPLES / "python" / "tightship.yaml"
    assert "hostUsers" not in deployment(render_service(answers, "default", []))["spec"][
        "template"]["spec"]
    files = render_service(answers, "default", ["run.user_namespaces=true"])
    assert deployment(files)["spec"]["template"]["spec"]["hostUsers"] is False
    off = render_service(answers, profile(tmp_path, "1.35", on=True), ["run.user_namespaces=false"])
    assert "hostUsers" not in deployment(off)["spec"]["template"]["spec"]


def test_strict_validation_knows_the_field():
    """The check above means something: a misspelt field fails the same validation."""
    doc = deployment(render_service(EXAMPLES / "go" / "tightship.yaml", "default",
                                    ["run.user_namespaces=true"]))
    pod = doc["spec"]["template"]["spec"]
    pod["hostUser"] = pod.pop("hostUsers")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, "1.35.0", strict=True)


def test_an_older_target_is_refused_with_the_answer_named(tmp_path):
    result = run_cli("render", "--answers", str(EXAMPLES / "go" / "tightship.yaml"),
                     "--profile", profile(tmp_path, "1.32", on=False),
                     "--set", "run.user_namespaces=true", "--out", str(tmp_path / "out"))
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "run.user_namespaces" in line and "1.33 or later" in line and "1.32" in line
    assert not (tmp_path / "out").exists()


def test_an_older_target_in_the_profile_names_the_profile_line(tmp_path):
    path = profile(tmp_path, "1.30", on=True)
    result = run_cli("render", "--answers", str(EXAMPLES / "go" / "tightship.yaml"),
                     "--profile", path, "--out", str(tmp_path / "out"))
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "userns-1.30.yaml:5" in line and "kubernetes.user_namespaces" in line
