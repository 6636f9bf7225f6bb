"""The Dockerfile, compose.yaml and k8s/ agree on UID, ports, health check, writable paths and
limits. Each value is read back from the rendered files (the Dockerfile through a real parser,
dockerfile-parse), never from the Spec, and the three readings are compared."""

from __future__ import annotations

import io
import json
import re
import shlex
from urllib.parse import urlsplit

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES
from dockerfile_parse import DockerfileParser
from ruamel.yaml import YAML
from yaml_support import read_yaml

from generator.render.pipeline import render_service

SHARED_WRITABLE = {"/tmp", "/var/tmp", "/run", "/dev/shm"}  # the runtime makes these writable
_UNITS = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "Ki": 1024, "Mi": 1024 ** 2,
          "Gi": 1024 ** 3}
VARIANTS = [(name, ()) for name in EXAMPLE_NAMES] + [
    ("python", ("writable=[/tmp, /var/cache/app, /app/data]",
                "capabilities={NET_BIND_SERVICE: binds port 80}", "ports=[8080, 9090]",
                "healthcheck={http: /ready, port: 9090, interval: 15s, timeout: 3s, "
                "start_period: 45s, retries: 4}", "limits={memory: 512Mi, cpus: '1.5'}")),
    ("go", ("writable=[/tmp, /var/lib/hello]", "healthcheck.interval=500ms")),
]


def seconds(text: str) -> float:
    amount, unit = re.fullmatch(r"([0-9]+)(ms|s|m)", text).groups()
    return int(amount) * {"ms": 0.001, "s": 1, "m": 60}[unit]


def size(text: str) -> int:
    amount, unit = re.fullmatch(r"([0-9]+)(k|m|g|Ki|Mi|Gi)", text).groups()
    return int(amount) * _UNITS[unit]


def from_dockerfile(text: str) -> dict:
    parser = DockerfileParser(fileobj=io.BytesIO())
    parser.content = text
    final = []
    for item in parser.structure:
        if item["instruction"] == "FROM":
            final = []
        final.append(item)
    values = {"writable": set(), "ports": set()}
    for item in final:
        kind, value = item["instruction"], item["value"]
        if kind == "USER":
            uid, gid = value.split(":")
            values["uid"], values["gid"] = int(uid), int(gid)
        elif kind == "EXPOSE":
            values["ports"] |= {int(p.split("/")[0]) for p in value.split()}
        elif kind == "HEALTHCHECK":
            flags, _, command = value.partition("CMD ")
            options = dict(f[2:].split("=", 1) for f in flags.split())
            values["health"] = {
                "argv": json.loads(command), "interval": seconds(options["interval"]),
                "timeout": seconds(options["timeout"]),
                "start_period": seconds(options["start-period"]),
                "retries": int(options["retries"])}
        elif kind == "RUN":
            words = shlex.split(value.replace("\\\n", " "))
            for i, word in enumerate(words):
                if word == "install" and words[i + 1] == "-d":
                    values["writable"].add(words[i + 8])  # install -d -o U -g G -m MODE PATH
    return values


def from_compose(text: str) -> dict:
    doc = read_yaml(text)
    (svc,) = doc["services"].values()
    uid, gid = svc["user"].split(":")
    hc = svc["healthcheck"]
    assert hc["test"][0] == "CMD"
    return {
        "uid": int(uid), "gid": int(gid),
        "ports": {int(p) for p in svc.get("expose", [])},
        "writable": {entry.split(":", 1)[0] for entry in svc.get("tmpfs", [])},
        "health": {"argv": hc["test"][1:], "interval": seconds(hc["interval"]),
                   "timeout": seconds(hc["timeout"]),
                   "start_period": seconds(hc["start_period"]), "retries": hc["retries"]},
        "memory": size(svc["mem_limit"]), "cpus": float(svc["cpus"]),
        "caps": svc.get("cap_add", []),
    }


def from_kubernetes(files: dict[str, str]) -> dict:
    dep = read_yaml(files["k8s/deployment.yaml"])
    pod = dep["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    psc, csc = pod["securityContext"], c["securityContext"]
    assert psc["runAsUser"] == csc["runAsUser"] and psc["runAsGroup"] == csc["runAsGroup"]
    emptydirs = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
    ports = {p["containerPort"] for p in c.get("ports", [])}
    if "k8s/service.yaml" in files:
        svc = read_yaml(files["k8s/service.yaml"])
        named = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert {p["port"] for p in svc["spec"]["ports"]} == ports
        assert {named[p["targetPort"]] for p in svc["spec"]["ports"]} == ports
    policy = read_yaml(files["k8s/networkpolicy.yaml"])["spec"]
    assert {p["port"] for rule in policy["ingress"] for p in rule["ports"]} == ports
    live, ready = c["livenessProbe"], c["readinessProbe"]
    assert {k: v for k, v in live.items() if k != "initialDelaySeconds"} == ready
    startup = c.get("startupProbe")
    return {
        "uid": psc["runAsUser"], "gid": psc["runAsGroup"], "ports": ports,
        "writable": {m["mountPath"] for m in c.get("volumeMounts", [])
                     if m["name"] in emptydirs},
        "probe": live, "startup": startup,
        "memory": size(c["resources"]["limits"]["memory"]),
        "cpus": float(c["resources"]["limits"]["cpu"]),
        "caps": csc["capabilities"].get("add", []),
    }


def _answers_writable(name: str, sets: tuple[str, ...]) -> set[str]:
    for item in sets:
        if item.startswith("writable="):
            return set(YAML(typ="safe").load(item.split("=", 1)[1]))
    doc = YAML(typ="safe").load((EXAMPLES / name / "tightship.yaml").read_text())
    return set(doc.get("writable", []))


@pytest.mark.parametrize("name,sets", VARIANTS, ids=[
    f"{n}{'-variant' if s else ''}" for n, s in VARIANTS])
def test_outputs_agree(name, sets):
    files = render_service(EXAMPLES / name / "tightship.yaml", "default", list(sets))
    docker = from_dockerfile(files["Dockerfile"])
    compose = from_compose(files["compose.yaml"])
    k8s = from_kubernetes(files)

    # UID and GID: non-root, the same everywhere
    assert docker["uid"] > 0 and docker["gid"] > 0
    assert (docker["uid"], docker["gid"]) == (compose["uid"], compose["gid"]) == \
        (k8s["uid"], k8s["gid"])
    # ports
    assert docker["ports"] == compose["ports"] == k8s["ports"]
    # health check: the compose one is the image's; the probes run the same check
    assert compose["health"] == docker["health"]
    health = docker["health"]
    probe = k8s["probe"]
    if "exec" in probe:
        assert probe["exec"]["command"] == health["argv"]
    else:
        url = urlsplit(health["argv"][-1])
        assert url.hostname == "127.0.0.1"
        assert (probe["httpGet"]["port"], probe["httpGet"]["path"]) == (url.port, url.path)
    assert probe["periodSeconds"] == max(1, health["interval"])
    assert probe["timeoutSeconds"] == max(1, health["timeout"])
    assert probe["failureThreshold"] == health["retries"]
    if k8s["startup"]:
        start = k8s["startup"]
        grace = start["periodSeconds"] * (start["failureThreshold"] - health["retries"])
        assert grace >= health["start_period"]
    else:
        assert probe["initialDelaySeconds"] == health["start_period"]
    # writable paths: the answers' list, as tmpfs and emptyDir; the image prepares its own
    expected = _answers_writable(name, sets)
    assert compose["writable"] == k8s["writable"] == expected
    if docker["uid"] == 10001:  # a user the image creates: it also creates the folders
        assert docker["writable"] == expected - SHARED_WRITABLE
    # limits and capabilities
    assert compose["memory"] == k8s["memory"]
    assert compose["cpus"] == k8s["cpus"]
    assert compose["caps"] == k8s["caps"]


def test_the_parsers_see_a_difference():
    """A hand edit that breaks agreement is noticed: the readings are not vacuous."""
    files = render_service(EXAMPLES / "python" / "tightship.yaml", "default", [])
    edited = files["compose.yaml"].replace('user: "10001:10001"', 'user: "10002:10001"')
    assert from_compose(edited)["uid"] != from_dockerfile(files["Dockerfile"])["uid"]
    edited = files["Dockerfile"].replace("--retries=3", "--retries=4")
    assert from_dockerfile(edited)["health"] != from_compose(files["compose.yaml"])["health"]
