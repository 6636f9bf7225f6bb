"""On the engine: Podman 5's own Quadlet generator (Debian 13's, in the tools image) reads the
rendered quadlet/ folder and the `podman run` it writes carries every hardening setting the
unit names, as the `podman run` flags test_engine_podman.py runs under Podman 4.3 here."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from cli_support import copy_example, run_cli
from quadlet_support import one, parse_unit, podman_run_flags, values
from test_services_manifests import SERVICES
from tools_image import require_tools_image, run_tools

pytestmark = pytest.mark.engine

QUADLET = "/usr/libexec/podman/quadlet"
# `podman run` options the generator writes as two words; joined as `--opt=value` here, so
# both spellings compare equal.
VALUED = {"--tmpfs", "--network", "--security-opt", "--cap-drop", "--cap-add", "--user",
          "--secret", "--volume", "--env", "--name", "--publish", "--label", "--pull",
          "--health-cmd", "--health-interval", "--health-retries", "--health-start-period",
          "--health-timeout", "--log-driver", "--log-opt"}
SHORT = {"-v": "--volume", "-e": "--env", "-p": "--publish"}


def generated(quadlet_dir: Path) -> tuple[dict[str, str], str]:
    """Each generated unit's text by name, and what the generator said on stderr."""
    result = run_tools(quadlet_dir, "env", "QUADLET_UNIT_DIRS=/w", QUADLET, "-dryrun")
    assert result.returncode == 0, result.stderr
    units: dict[str, str] = {}
    name = None
    for line in result.stdout.splitlines(keepends=True):
        if line.startswith("---") and line.rstrip().endswith("---"):
            name = line.strip().strip("-")
            units[name] = ""
        elif name is not None:
            units[name] += line
    return units, result.stderr


def normalised(argv: list[str]) -> list[str]:
    words: list[str] = []
    pending = None
    for word in argv:
        if pending:
            words.append(f"{pending}={word}")
            pending = None
        elif SHORT.get(word, word) in VALUED:
            pending = SHORT.get(word, word)
        else:
            words.append(word)
    return words


@pytest.mark.parametrize("name", ["python", "spool-worker"])
def test_the_real_generator_keeps_every_setting(engine, tmp_path, name):
    require_tools_image(engine)
    folder = copy_example(name, tmp_path)
    sets = [x for s in SERVICES.get(name, ()) for x in ("--set", s)]
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), *sets)
    assert result.code == 0, result.err
    (container,) = (folder / "quadlet").glob("*.container")
    (network,) = (folder / "quadlet").glob("*.network")
    unit = parse_unit(container.read_text())

    units, said = generated(folder / "quadlet")
    assert "unsupported" not in said and "error" not in said.lower(), said
    service = parse_unit(units[f"{container.stem}.service"])
    (exec_start,) = values(service, "ExecStart", "Service")
    argv = shlex.split(exec_start)
    assert argv[:3] == ["/usr/bin/podman", "run", "--name"]
    assert argv[-1] == one(unit, "Image")  # the image, and no command after it
    words = normalised(argv[1:-1])

    wanted = podman_run_flags(unit, Path("%h"))  # %h stays for systemd to fill in
    for flag in ("--read-only", "--cap-drop=all", "--security-opt=no-new-privileges",
                 f"--user={one(unit, 'User')}:{one(unit, 'Group')}"):
        assert flag in wanted and flag in words, (flag, exec_start)
    assert any(w.startswith("--security-opt=seccomp=%h/") for w in words), exec_start
    assert any(w.startswith("--tmpfs=/tmp:") for w in words), exec_start
    assert {"--memory=256m", "--pids-limit=128"} <= set(words), exec_start
    missing = [flag for flag in wanted if flag not in words]
    assert not missing, f"not in the generated ExecStart: {missing}\n{exec_start}"

    network_name = one(parse_unit(network.read_text()), "NetworkName", "Network")
    assert f"--network={network_name}" in words
    (created,) = values(parse_unit(units[f"{network.stem}-network.service"]), "ExecStart",
                        "Service")
    assert shlex.split(created)[-2:] == ["--internal", network_name]
