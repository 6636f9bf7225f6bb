"""The `schema:` key: an answers file or profile may say which format version it is written in;
a version newer than this tightship reads is refused with one line naming file, line and field."""

from __future__ import annotations

from cli_support import copy_example, run_cli

from generator.render.validation import FORMAT_VERSION, schema


def test_the_current_version_renders_the_same_files(tmp_path):
    service = copy_example("python", tmp_path)
    plain = run_cli("render", "--out", str(tmp_path / "plain"), cwd=service)
    answers = service / "tightship.yaml"
    answers.write_text(f"schema: {FORMAT_VERSION}\n" + answers.read_text())
    stated = run_cli("render", "--out", str(tmp_path / "stated"), cwd=service)
    assert (plain.code, stated.code) == (0, 0), stated.err
    for name in ("Dockerfile", "compose.yaml", "seccomp.json"):
        assert (tmp_path / "stated" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()


def test_a_newer_answers_file_is_refused_with_its_line(tmp_path):
    service = copy_example("python", tmp_path)
    answers = service / "tightship.yaml"
    answers.write_text(answers.read_text() + f"schema: {FORMAT_VERSION + 1}\n")
    line = answers.read_text().count("\n")
    result = run_cli("render", "--out", str(tmp_path / "out"), cwd=service)
    assert result.code == 2
    assert f"tightship.yaml:{line}: schema: format version {FORMAT_VERSION + 1} is newer" in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_a_newer_profile_is_refused(tmp_path):
    service = copy_example("python", tmp_path)
    profile = tmp_path / "org.yaml"
    profile.write_text("schema: 9\nextends: default\nname: org\n")
    result = run_cli("render", "--profile", str(profile), "--out", str(tmp_path / "out"),
                     cwd=service)
    assert result.code == 2
    assert "org.yaml:1: schema: format version 9 is newer" in result.err


def test_both_schemas_know_the_key():
    for name in ("answers.schema.json", "profile.schema.json"):
        key = schema(name)["properties"]["schema"]
        assert key["type"] == "integer" and key["minimum"] == 1
