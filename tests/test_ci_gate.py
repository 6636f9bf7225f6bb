"""ci/tightship-gate.sh: the pipeline gate (C01-C04, B13, H03), linted by shellcheck and run
for real: drift stops it, and the profile's scanner and SBOM hooks run on the built image."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import EXAMPLE_NAMES, copy_example, run_cli

from generator.render.outputs.ci import shell_command

GATE = "ci/tightship-gate.sh"
HOSTILE = ["scanner", "; rm -rf /", "$(id)", "`id`", "a'b", '--image={image}', "{image}",
           "x\\y", "*", "&&", "{image}{image}"]


def shellcheck() -> str:
    found = shutil.which("shellcheck")
    assert found, "shellcheck is not installed (Debian package shellcheck)"
    return found


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_shellcheck_finds_nothing(tmp_path, name):
    service = copy_example(name, tmp_path)
    assert run_cli("render", "--force", cwd=service).code == 0
    gate = service / GATE
    assert os.access(gate, os.X_OK)  # written executable
    proc = subprocess.run([shellcheck(), "--shell=sh", str(gate)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_profile_commands_cannot_inject_shell(tmp_path):
    """Each word of a profile's scan command reaches the scanner as one argument."""
    line = shell_command(tuple(HOSTILE))
    words = shlex.split(line)
    expected = [w.replace("{image}", "$image") for w in HOSTILE]
    assert words == expected
    # and the shell itself agrees: run it with printf standing in for the scanner
    script = f'image="my image:1"\nset -- {line}\nfor w in "$@"; do printf "%s\\n" "$w"; done\n'
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [w.replace("{image}", "my image:1") for w in HOSTILE]


def _gate_profile(tmp_path: Path, engine_profile: Path) -> Path:
    profile = tmp_path / "gate-profile.yaml"
    profile.write_text(
        f"name: gate\nextends: {engine_profile}\n"
        "ci:\n"

        "  scan: [docker, image, inspect, --format, 'scanned {{.Id}}', '{image}']\n"
        "  sbom: [docker, image, history, --no-trunc, '{image}']\n"
        "  sbom_file: sbom.txt\n")
    return profile


def _run_gate(service: Path, profile: Path, image: str):
    env = {**os.environ, "TIGHTSHIP_PROFILE": str(profile), "IMAGE": image,
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(["sh", GATE], cwd=service, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.engine
def test_gate_runs_drift_policy_build_scan_and_sbom(tmp_path, engine, engine_profile):
    service = copy_example("python", tmp_path)
    profile = _gate_profile(tmp_path, engine_profile)
    assert run_cli("render", "--profile", str(profile), "--force", cwd=service).code == 0
    image = "tightship-test/gate:1"
    try:
        proc = _run_gate(service, profile, image)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        sarif = json.loads((service / "tightship.sarif").read_text())
        assert sarif["version"] == "2.1.0"
        assert sarif["runs"][0]["results"] == []  # C02: the generated files pass the gate
        built = engine.images.get(image)
        assert f"scanned {built.id}" in proc.stdout  # C03: the scanner saw the built image
        assert built.id.split(":")[1][:12] in (service / "sbom.txt").read_text()
        assert built.labels["org.opencontainers.image.revision"] == "unknown"  # B13: no git
    finally:
        try:
            engine.images.remove(image, force=True)
        except Exception:
            pass


@pytest.mark.engine
def test_gate_stops_on_drift_before_building(tmp_path, engine, engine_profile):
    service = copy_example("python", tmp_path)
    profile = _gate_profile(tmp_path, engine_profile)
    assert run_cli("render", "--profile", str(profile), "--force", cwd=service).code == 0
    dockerfile = service / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER 10001:10001", "USER root"))
    proc = _run_gate(service, profile, "tightship-test/gate:drift")
    assert proc.returncode == 1
    assert "drift" in proc.stdout and "-USER root" in proc.stdout
    assert not engine.images.list(name="tightship-test/gate")
