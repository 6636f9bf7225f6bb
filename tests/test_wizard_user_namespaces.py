"""The wizard asks about user namespaces: the profile gives the default, the help names the
minimum Kubernetes version, a yes is written to the answers file and becomes `hostUsers: false`
in the deployment on disk (valid, strict, for the versions that have it), and a target before
1.33 sends the user back to the question with render's own message."""

from __future__ import annotations

import kubernetes_validate
import pytest
from test_wizard import assert_render_reproduces, fresh_example
from test_wizard_support import DOWN, ENTER, UP, drive
from userns_support import assert_user_namespaced
from userns_support import userns_profile as profile
from yaml_support import read_yaml

from generator.render.answers import load_answers
from generator.wizard.answers_file import ANSWERS_FILE

KEY = "run.user_namespaces"
YES = DOWN + ENTER  # the choices are no, then yes


def deployment(root) -> dict:
    return read_yaml((root / "k8s" / "deployment.yaml").read_text())


@pytest.mark.parametrize("version", ["1.33", "1.36"])
def test_yes_writes_the_answer_and_host_users_false(tmp_path, version):
    root = fresh_example("go", tmp_path)
    wizard, result = drive(root, {KEY: YES}, profile(tmp_path, version, on=False))
    assert result.written
    assert wizard.asked.count(KEY) == 1
    said = wizard.said
    assert "Needs Kubernetes 1.33 or later" in said
    assert "runAsNonRoot and runAsUser stay" in said and "says no." in said
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["run"] == {"user_namespaces": True}
    assert_user_namespaced(deployment(root), version)
    assert_render_reproduces(root, profile(tmp_path, version, on=False))


def test_the_default_answer_follows_the_profile_and_is_not_written(tmp_path):
    root = fresh_example("go", tmp_path)
    _, result = drive(root, {})  # the default profile says no
    assert result.written
    assert "run" not in load_answers(root / ANSWERS_FILE).data
    assert "hostUsers" not in deployment(root)["spec"]["template"]["spec"]

    root = fresh_example("node", tmp_path / "on")
    wizard, result = drive(root, {}, profile(tmp_path, "1.35", on=True))
    assert result.written and "says yes." in wizard.said
    assert "run" not in load_answers(root / ANSWERS_FILE).data  # the profile decides
    doc = deployment(root)
    assert doc["spec"]["template"]["spec"]["hostUsers"] is False
    kubernetes_validate.validate(doc, "1.35.0", strict=True)


def test_no_under_a_profile_that_says_yes_is_written(tmp_path):
    root = fresh_example("go", tmp_path)
    # the profile's yes is the suggested choice: one up is no
    _, result = drive(root, {KEY: UP + ENTER}, profile(tmp_path, "1.35", on=True))
    assert result.written
    assert load_answers(root / ANSWERS_FILE).data["run"] == {"user_namespaces": False}
    assert "hostUsers" not in deployment(root)["spec"]["template"]["spec"]


def test_an_older_target_asks_again_with_renders_message(tmp_path):
    root = fresh_example("go", tmp_path)
    wizard, result = drive(root, {KEY: [YES, UP + ENTER]}, profile(tmp_path, "1.32", on=False))
    assert wizard.asked.count(KEY) == 2  # yes refused, then no
    (line,) = [x for x in wizard.said.splitlines() if x.startswith(f"! {KEY}:")]
    assert "1.33 or later" in line and "targets 1.32" in line
    assert result.written
    assert "run" not in load_answers(root / ANSWERS_FILE).data
    assert "hostUsers" not in deployment(root)["spec"]["template"]["spec"]
