"""`tightship render`: what a user sees on disk and on screen."""

from __future__ import annotations

import os

import pytest
from cli_support import EXAMPLE_NAMES, copy_example, run_cli, run_subprocess

from generator import __version__


def test_render_writes_dockerfile_and_dockerignore(tmp_path):
    service = copy_example("python", tmp_path)
    result = run_cli("render", "--answers", "tightship.yaml", cwd=service)
    assert result.code == 0, result.err
    assert (service / "Dockerfile").read_text().startswith("# hello-python:")
    assert "create  Dockerfile" in result.out
    assert (service / ".dockerignore").is_file()


def test_second_render_leaves_identical_files_untouched(tmp_path):
    service = copy_example("go", tmp_path)
    assert run_cli("render", cwd=service).code == 0
    before = (service / "Dockerfile").stat().st_mtime_ns
    result = run_cli("render", cwd=service)
    assert result.code == 0
    assert "identical" in result.out
    assert (service / "Dockerfile").stat().st_mtime_ns == before


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_renders_with_the_default_profile(tmp_path, name):
    service = copy_example(name, tmp_path)
    out = tmp_path / "out"
    result = run_cli("render", "--answers", "tightship.yaml", "--out", str(out), cwd=service)
    assert result.code == 0, result.err
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    expected = {".dockerignore", "Dockerfile", "compose.yaml", "seccomp.json",
                "k8s/kustomization.yaml", "k8s/deployment.yaml",
                ".tightship/rendered.json"}
    assert expected <= written, sorted(expected - written)


def test_rendering_outside_the_build_context_says_so(tmp_path):
    service = copy_example("python", tmp_path)
    elsewhere = run_cli("render", "--out", str(tmp_path / "elsewhere"), cwd=service)
    assert elsewhere.code == 0 and "is not the build context" in elsewhere.out
    beside = run_cli("render", cwd=service)
    assert beside.code == 0 and "build context" not in beside.out


def test_check_reports_drift_and_writes_nothing(tmp_path):
    service = copy_example("node", tmp_path)
    assert run_cli("render", cwd=service).code == 0
    assert run_cli("render", "--check", cwd=service).code == 0

    dockerfile = service / "Dockerfile"
    edited = dockerfile.read_text().replace("USER 10001:10001", "USER root")
    dockerfile.write_text(edited)
    result = run_cli("render", "--check", "--diff", cwd=service)
    assert result.code == 1
    assert "drift" in result.out and "-USER root" in result.out
    assert dockerfile.read_text() == edited  # --check never writes


def test_check_on_a_fresh_folder_counts_missing_files_as_drift(tmp_path):
    service = copy_example("python", tmp_path)
    result = run_cli("render", "--check", "--out", str(tmp_path / "empty"), cwd=service)
    assert result.code == 1
    assert not (tmp_path / "empty").exists()


def test_changed_file_is_not_overwritten_without_force(tmp_path):
    service = copy_example("python", tmp_path)
    (service / "Dockerfile").write_text("FROM scratch\n")
    result = run_cli("render", cwd=service)
    assert result.code == 1
    assert "--force" in result.err
    assert "error: conflict: " in result.err and "Dockerfile" in result.err
    assert (service / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (service / ".dockerignore").exists()  # all or nothing

    forced = run_cli("render", "--force", cwd=service)
    assert forced.code == 0
    assert "  replace  Dockerfile" in forced.out.splitlines()
    assert (service / "Dockerfile").read_text().startswith("# hello-python")


def test_set_overrides_the_answers_file(tmp_path):
    service = copy_example("python", tmp_path)
    result = run_cli("render", "--set", "healthcheck.interval=5s", "--set", "ports=[9090]",
                     "--set", "healthcheck.port=9090", cwd=service)
    assert result.code == 0, result.err
    text = (service / "Dockerfile").read_text()
    assert "--interval=5s" in text
    assert "EXPOSE 9090" in text and "http://127.0.0.1:9090/healthz" in text


def test_writes_leave_no_temporary_files(tmp_path):
    service = copy_example("java", tmp_path)
    assert run_cli("render", "--out", str(tmp_path / "o"), cwd=service).code == 0
    assert not [name for name in os.listdir(tmp_path / "o") if name.endswith(".tmp")]


def test_output_is_byte_identical_across_processes(tmp_path):
    """C01: same inputs, same bytes, whatever the hash seed or working folder."""
    service = copy_example("python", tmp_path)
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = run_subprocess("render", "--out", str(out), cwd=service, env=env)
        assert result.code == 0, result.err
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]


def test_version_and_help():
    version = run_subprocess("--version")
    assert version.code == 0 and version.out.strip() == f"tightship {__version__}"
    helptext = run_subprocess("--help")
    assert helptext.code == 0
    for command in ("render", "profiles"):
        assert command in helptext.out


def test_render_help_names_every_kind_of_file_it_writes(tmp_path):
    helptext = " ".join(run_subprocess("render", "--help").out.split())
    service = copy_example("python", tmp_path)
    assert run_cli("render", "--out", str(tmp_path / "out"), cwd=service).code == 0
    tops = {p.relative_to(tmp_path / "out").parts[0] for p in (tmp_path / "out").rglob("*")
            if p.is_file()}
    assert len(tops) > 8
    for top in tops:  # a file at the top, or a folder such as k8s/ or quadlet/
        name = top if (tmp_path / "out" / top).is_file() else f"{top}/"
        assert name in helptext, name


def test_profiles_lists_builtin_profiles_with_images_and_pin_dates():
    result = run_cli("profiles")
    assert result.code == 0
    assert "default:" in result.out and "strict" in result.out
    assert "python:3.13-slim-trixie" in result.out and "pinned 2026-10-06" in result.out
    assert "python:3.12-slim-bookworm" in result.out  # the bookworm choice is listed too


def test_profiles_lists_a_given_profile_file(tmp_path):
    custom = tmp_path / "team.yaml"
    custom.write_text("name: team\nextends: default\ndescription: team rules\nfail_on: high\n")
    result = run_cli("profiles", str(custom))
    assert result.code == 0, result.err
    assert "team (" in result.out and "team rules" in result.out


def test_render_does_not_import_heavy_modules():
    """`render` starts fast: questionary and docker are only for the commands needing them."""
    code = ("import sys, generator.cli as c, generator.render.pipeline, generator.render.writer; "
            "print(sorted(m for m in ('docker', 'questionary') if m in sys.modules))")
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
