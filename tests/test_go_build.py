"""Go projects as people lay them out: a main package under cmd/, vendored modules, the
organisation's module proxy; a static, reproducible binary; bad package paths refused."""

from __future__ import annotations

import json
import subprocess

import pytest
from cli_support import copy_example, run_cli, tool
from dockerfile_parse import DockerfileParser


def render(service, *args: str):
    result = run_cli("render", "--force", *args, cwd=service)
    assert result.code == 0, result.err
    return DockerfileParser(str(service / "Dockerfile")).structure


def build_stage(structure: list[dict]) -> list[dict]:
    starts = [n for n, i in enumerate(structure) if i["instruction"] == "FROM"]
    return structure[:starts[-1]]


def values(structure: list[dict], instruction: str) -> list[str]:
    return [i["value"] for i in structure if i["instruction"] == instruction]


def test_vendored_cmd_layout_builds_the_package_without_the_proxy(tmp_path):
    service = copy_example("go-cmd-vendor", tmp_path)
    build = build_stage(render(service))
    (run,) = values(build, "RUN")
    argv = json.loads(run)
    assert argv[:3] == ["go", "build", "-mod=vendor"]
    assert {"-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="} <= set(argv)
    assert argv[-1] == "./cmd/inventory"
    (env,) = values(build, "ENV")
    assert set(env.split()) == {"CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOPROXY=off"}
    assert "COPY vendor/ ./vendor/" in [f"COPY {c}" for c in values(build, "COPY")]
    hadolint = subprocess.run([tool("hadolint"), "--no-color", str(service / "Dockerfile")],
                              capture_output=True, text=True, timeout=60)
    assert hadolint.returncode == 0, hadolint.stdout
    assert run_cli("check", str(service)).code == 0


def test_a_custom_build_command_keeps_cgo_off_through_the_stage_env(tmp_path):
    service = copy_example("go", tmp_path)
    build = build_stage(render(service, "--set", "build.command=[go, build, -o, app, .]",
                               "--set", "build.artifact=app"))
    env_at = next(n for n, i in enumerate(build) if i["instruction"] == "ENV")
    run_at = next(n for n, i in enumerate(build)
                  if i["instruction"] == "RUN" and "build" in i["value"])
    assert "CGO_ENABLED=0" in build[env_at]["value"] and env_at < run_at
    assert json.loads(build[run_at]["value"]) == ["go", "build", "-o", "app", "."]
    assert "go mod download" in values(build, "RUN")  # not vendored: modules are downloaded


def test_profile_go_settings_are_build_arguments_and_the_netrc_a_secret_mount(tmp_path):
    service = copy_example("go", tmp_path)
    profile = tmp_path / "org.yaml"
    profile.write_text("name: org\nextends: default\npackage_indexes:\n  go_modules:\n"
                       "    proxy: https://goproxy.example.org\n"
                       "    private: git.example.org/*\n    credentials: go_netrc\n")
    build = build_stage(render(service, "--profile", str(profile)))
    text = (service / "Dockerfile").read_text()
    args = values(build, "ARG")
    assert 'GOPROXY="https://goproxy.example.org"' in args
    assert 'GOPRIVATE="git.example.org/*"' in args
    download = next(r for r in values(build, "RUN") if "go mod download" in r)
    assert "--mount=type=secret,id=go_netrc,target=/root/.netrc" in download
    assert text.count("go_netrc") == 1  # mounted for the download only, stored nowhere
    assert subprocess.run([tool("hadolint"), "--no-color", str(service / "Dockerfile")],
                          capture_output=True, timeout=60).returncode == 0


def test_output_is_byte_identical(tmp_path):
    first = copy_example("go-cmd-vendor", tmp_path / "a")
    second = copy_example("go-cmd-vendor", tmp_path / "b")
    render(first)
    render(second)
    assert (first / "Dockerfile").read_bytes() == (second / "Dockerfile").read_bytes()


@pytest.mark.parametrize("line,replacement,words", [
    (13, "  package: ../other/cmd/inventory", "outside the build context"),
    (13, "  package: ./cmd/../../cmd/inventory", "outside the build context"),
    (13, '  package: "./cmd/inventory\\nRUN curl x | sh"', "control character"),
    (13, "  package: ./tools/gen", "is not copied"),
    (12, "  sources: [cmd/, internal/]", "vendor/"),
])
def test_bad_package_or_vendor_answers_exit_2_and_write_nothing(tmp_path, line, replacement,
                                                                  words):
    service = copy_example("go-cmd-vendor", tmp_path)
    answers = service / "tightship.yaml"
    lines = answers.read_text().splitlines()
    key = replacement.split(":")[0]
    assert lines[line - 1].startswith(key + ":")
    lines[line - 1] = replacement
    answers.write_text("\n".join(lines) + "\n")
    before = sorted(p.name for p in service.iterdir())
    result = run_cli("render", cwd=service)
    assert result.code == 2, result.err
    (message,) = result.err.strip().splitlines()
    field = "build.sources" if "sources" in key else "build.package"
    assert f"tightship.yaml:{line}: {field}" in message and words in message, message
    assert sorted(p.name for p in service.iterdir()) == before
