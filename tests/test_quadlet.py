"""quadlet/SERVICE.container: the Podman unit holds the same hardening as compose.yaml.

Both files are rendered and read back (the unit by its sections and keys, compose as YAML), and
every setting they share is compared: UID:GID, read-only root, capabilities, no-new-privileges,
seccomp, tmpfs, volumes, secrets, environment, limits, health check, network and ports.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES
from quadlet_support import one, parse_unit, specifiers, values
from yaml_support import read_yaml

from generator.render.pipeline import render_service

CASES = [(name, ()) for name in EXAMPLE_NAMES] + [
    ("python", ("run.publish={8080: 18080}",)),
    ("django-uploads", ()),  # a persistent volume and a secret
    ("express-pnpm", ("run.publish={80: 8080}",)),  # port 80: the sysctl, no capability
    ("spool-worker", ()),  # no port at all
    ("go", ("run.egress=[{cidr: 10.0.0.0/8, ports: [5432]}]",)),
]


def rendered(name: str, sets: tuple[str, ...]) -> tuple[dict, dict, dict]:
    files = render_service(EXAMPLES / name / "tightship.yaml", "default", list(sets))
    (service_name, service), = read_yaml(files["compose.yaml"])["services"].items()
    unit = parse_unit(files[f"quadlet/{service_name}.container"])
    network = parse_unit(files[f"quadlet/{service_name}.network"])
    return service, unit, network


def podman_args(unit: dict) -> dict[str, str]:
    args = {}
    for word in shlex.split(one(unit, "PodmanArgs")):
        key, _, value = word.partition("=")
        args[key] = value
    return args


@pytest.mark.parametrize(("name", "sets"), CASES, ids=[f"{n}{'+' if s else ''}{i}"
                                                        for i, (n, s) in enumerate(CASES)])
def test_unit_settings_match_compose(name, sets):
    svc, unit, network = rendered(name, sets)
    assert f"{one(unit, 'User')}:{one(unit, 'Group')}" == svc["user"]  # R12
    assert one(unit, "ReadOnly") == "true" and svc["read_only"] is True  # R06
    # the same paths and options; Podman's `U` (the container's user owns it) for uid=/gid=
    owned = f"uid={one(unit, 'User')},gid={one(unit, 'Group')}"
    tmpfs = values(unit, "Tmpfs")
    if svc.get("secrets"):  # the secrets' mount points, root-owned and read-only to the UID
        assert tmpfs.pop() == "/run/secrets:rw,noexec,nosuid,nodev,size=64k,mode=0755"
    assert [t.removesuffix(",U") for t in tmpfs] == \
        [t.replace(f",{owned}", "") for t in svc.get("tmpfs", [])]
    assert all(t.endswith(",U") for t in tmpfs)
    assert [v.lower() for v in values(unit, "DropCapability")] == \
        [c.lower() for c in svc["cap_drop"]] == ["all"]  # R02
    assert values(unit, "AddCapability") == svc.get("cap_add", [])
    assert one(unit, "NoNewPrivileges") == "true"  # R03
    assert "no-new-privileges:true" in svc["security_opt"]
    seccomp = [o for o in svc["security_opt"] if o.startswith("seccomp=")]
    assert seccomp == ["seccomp=./seccomp.json"]  # R04: both name the generated profile
    assert one(unit, "SeccompProfile").endswith(f"/tightship/{one(unit, 'ContainerName')}.json")
    assert values(unit, "Volume") == svc.get("volumes", [])  # R11
    assert [v.split(",")[0] for v in values(unit, "Secret")] == svc.get("secrets", [])  # R13
    assert not values(unit, "Environment") and "environment" not in svc  # the image's ENV

    args = podman_args(unit)  # R07
    assert args["--memory"] == svc["mem_limit"] and args["--memory-swap"] == svc["memswap_limit"]
    assert float(args["--cpus"]) == svc["cpus"]
    assert int(args["--pids-limit"]) == svc["pids_limit"]
    assert args["--ipc"] == svc["ipc"] == "private"  # R09
    assert args["--log-opt"] == f"max-size={svc['logging']['options']['max-size']}"
    sysctls = svc.get("sysctls") or {}
    assert ([args["--sysctl"]] if "--sysctl" in args else []) == \
        [f"{k}={v}" for k, v in sysctls.items()]

    health = svc["healthcheck"]  # R15
    assert ["CMD", *json.loads(one(unit, "HealthCmd").replace("%%", "%"))] == health["test"]
    assert (one(unit, "HealthInterval"), one(unit, "HealthTimeout"),
            one(unit, "HealthStartPeriod"), int(one(unit, "HealthRetries"))) == \
        (health["interval"], health["timeout"], health["start_period"], health["retries"])

    assert values(unit, "PublishPort") == svc.get("ports", [])  # R10
    assert one(unit, "Network") == f"{svc['networks'][0]}.network"  # R14
    assert one(network, "NetworkName", "Network") == svc["networks"][0]
    restart_retries = int(svc["restart"].split(":")[1])  # R08
    assert int(one(unit, "StartLimitBurst", "Unit")) == restart_retries


def test_network_is_internal_exactly_when_compose_is():
    for sets, internal in (((), "true"), (("run.publish={8080: 18080}",), "false"),
                           (("run.egress=[{cidr: 10.0.0.0/8, ports: [5432]}]",), "false")):
        files = render_service(EXAMPLES / "python" / "tightship.yaml", "default", list(sets))
        compose = read_yaml(files["compose.yaml"])
        assert str(compose["networks"]["hello-python"]["internal"]).lower() == internal
        assert one(parse_unit(files["quadlet/hello-python.network"]), "Internal",
                   "Network") == internal


def test_percent_in_answers_stays_literal():
    """systemd reads `%` as a specifier (`%h` the home folder): a health-check word with one
    reaches podman as written."""
    files = render_service(EXAMPLES / "go" / "tightship.yaml", "default",
                           ['healthcheck.command=[/app/hello-go, "-healthcheck=%h%%n"]'])
    unit = parse_unit(files["quadlet/hello-go.container"])
    assert one(unit, "HealthCmd") == '["/app/hello-go", "-healthcheck=%%h%%%%n"]'
    assert json.loads(specifiers(one(unit, "HealthCmd"), Path("/home/x"))) == \
        ["/app/hello-go", "-healthcheck=%h%%n"]
