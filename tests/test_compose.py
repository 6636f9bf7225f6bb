"""compose.yaml: the image's hardening held at run time, valid under the Compose Specification.

The file is checked as data, then by a real compose tool (docker-compose reads it against the
Compose Specification's schema), then read back as YAML 1.1 does (PyYAML) so no value changes
type on the way. Bad run answers are refused with file, line and field, and nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml as pyyaml
from cli_support import EXAMPLE_NAMES, EXAMPLES, REPO, run_cli, run_subprocess
from compose_cli import docker_compose, docker_compose_process
from ruamel.yaml import YAML
from yaml_support import read_yaml

from generator.render.pipeline import render_service

DIGEST = "sha256:" + "ab" * 32


def render(name: str, *sets: str, profile: str = "default") -> dict[str, str]:
    return render_service(EXAMPLES / name / "tightship.yaml", profile, list(sets))


def compose_of(name: str, *sets: str) -> dict:
    return read_yaml(render(name, *sets)["compose.yaml"])


def the_service(doc: dict) -> dict:
    (service,) = doc["services"].values()
    return service


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_hardening_is_in_the_file(name):
    doc = compose_of(name)
    assert "version" not in doc  # the Compose Specification has no version key
    svc = the_service(doc)
    assert re.fullmatch(r"[1-9][0-9]*:[1-9][0-9]*", svc["user"])  # R12, numeric, not root
    assert svc["privileged"] is False  # R01
    assert svc["read_only"] is True  # R06
    assert svc["cap_drop"] == ["ALL"]  # R02
    assert "cap_add" not in svc  # the examples need none
    assert "no-new-privileges:true" in svc["security_opt"]  # R03
    assert not any("unconfined" in opt for opt in svc["security_opt"])  # R04, R05
    assert svc["tmpfs"]  # every example writes to /tmp
    for entry in svc["tmpfs"]:  # R06
        path, options = entry.split(":", 1)
        assert {"noexec", "nosuid", "nodev"} <= set(options.split(","))
        assert re.search(r"(^|,)size=[0-9]+[kmg](,|$)", options)
    assert svc["mem_limit"] and svc["cpus"] and svc["pids_limit"]  # R07
    assert re.fullmatch(r"on-failure:[0-9]+", svc["restart"])  # R08
    for key in ("network_mode", "pid", "userns_mode", "volumes", "devices"):
        assert key not in svc  # R09, R11: no host namespaces or host paths (nor volumes here)
    assert svc["ipc"] == "private"
    assert svc["healthcheck"]["test"][0] == "CMD"  # R15
    assert "ports" not in svc  # R10: nothing published unless the answers say so
    (network,) = svc["networks"]
    assert doc["networks"][network] == {"internal": True}  # R14: no egress declared


def test_secrets_come_from_files_never_values():
    doc = compose_of("python")
    svc = the_service(doc)
    assert svc["secrets"] == ["api_token"]
    assert doc["secrets"] == {"api_token": {"file": "./secrets/api_token"}}
    assert "environment" not in svc


def test_publish_binds_to_the_host_address_and_leaves_the_network_routed():
    svc_doc = compose_of("python", "run.publish={8080: 18080}")
    svc = the_service(svc_doc)
    assert svc["ports"] == ["127.0.0.1:18080:8080"]
    assert svc_doc["networks"]["hello-python"] == {"internal": False}
    doc = compose_of("python", "run.publish={8080: 18080}", "run.host_address=10.1.2.3")
    assert the_service(doc)["ports"] == ["10.1.2.3:18080:8080"]
    doc = compose_of("python", "run.publish={8080: 18080}", "run.host_address='::1'")
    assert the_service(doc)["ports"] == ["[::1]:18080:8080"]


def test_egress_leaves_the_network_routed():
    doc = compose_of("go", "run.egress=[{cidr: 10.0.0.0/8, ports: [5432]}]")
    assert doc["networks"]["hello-go"] == {"internal": False}


def test_capabilities_come_back_with_their_reason():
    text = render("go", "capabilities={NET_BIND_SERVICE: binds port 80 as non-root}")[
        "compose.yaml"]
    assert the_service(YAML(typ="safe").load(text))["cap_add"] == ["NET_BIND_SERVICE"]
    assert re.search(r"- NET_BIND_SERVICE +# R02: binds port 80 as non-root", text)


def test_exec_writable_drops_noexec_only_there():
    svc = the_service(compose_of("java", "writable=[/tmp, /var/cache/app]",
                                 "run.exec_writable=[/tmp]"))
    uid, gid = svc["user"].split(":")
    owner = f"uid={uid},gid={gid}"
    assert svc["tmpfs"] == [f"/tmp:rw,nosuid,nodev,size=64m,{owner},mode=1777",
                            f"/var/cache/app:rw,noexec,nosuid,nodev,size=64m,{owner},mode=0750"]


HARDENING_KEYS = {
    "user": "R12", "privileged": "R01", "read_only": "R06", "cap_drop": "R02",
    "ipc": "R09", "mem_limit": "R07", "cpus": "R07", "pids_limit": "R07",
    "restart": "R08", "healthcheck": "R15", "networks": "R14", "secrets": "R13",
    "internal": "R14",
}


@pytest.mark.parametrize("name", ["python", "go"])
def test_each_hardening_setting_names_its_checklist_item(name):
    text = render(name)["compose.yaml"]
    lines = text.splitlines()
    for key, item in HARDENING_KEYS.items():
        found = [line for line in lines if re.match(rf"^\s+{key}:", line)]
        if key == "secrets" and name != "python":
            continue
        assert found, key
        assert all(f"# {item}:" in line for line in found), (key, found)
    following = lines[lines.index(next(line for line in lines if "security_opt:" in line)) + 1]
    assert "no-new-privileges:true" in following and "# R03:" in following
    assert re.search(r"- /tmp:\S+ +# R06:", text)


def test_values_read_back_the_same_under_yaml_1_1():
    """docker-compose reads YAML 1.1 (PyYAML): `10001:10001` would be a base-60 number there."""
    text = render("generic", "healthcheck.command=[busybox, wget, 'on', '8080', '1:30']")[
        "compose.yaml"]
    svc = the_service(pyyaml.safe_load(text))
    assert svc["user"] == "10001:10001"
    assert svc["healthcheck"]["test"] == ["CMD", "busybox", "wget", "on", "8080", "1:30"]
    assert svc["expose"] == ["8080"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_byte_identical_across_runs(name):
    first = render(name)
    assert render(name) == first


def test_byte_identical_under_another_hash_seed():
    """Every example, rendered in a fresh process with a fixed hash seed (this one's is
    random), gives the bytes rendered here: no output follows a set's or dict's hash order."""
    code = ("import json, sys\n"
            "from pathlib import Path\n"
            "from generator.render.pipeline import render_service\n"
            "json.dump({name: render_service(Path(sys.argv[1], name, 'tightship.yaml'), "
            "'default', []) for name in sys.argv[2:]}, sys.stdout)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(EXAMPLES), *EXAMPLE_NAMES],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {name: render(name) for name in EXAMPLE_NAMES}


def test_byte_identical_in_a_fresh_process(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = run_subprocess("render", "--answers", str(EXAMPLES / "python" / "tightship.yaml"),
                                "--out", str(out), env=env)
        assert result.code == 0, result.err
        outs.append({p.relative_to(out).as_posix(): p.read_bytes()
                     for p in sorted(out.rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]
    assert "compose.yaml" in outs[0] and "k8s/deployment.yaml" in outs[0]


# --- a real compose tool ---------------------------------------------------------------------

def compose_config(folder: Path, *, own_process: bool = False) -> subprocess.CompletedProcess:
    """docker-compose (Debian's package) checks a file against the Compose Specification."""
    run = docker_compose_process if own_process else docker_compose
    return run("--project-directory", str(folder), "-f", str(folder / "compose.yaml"),
               "config", "-q", cwd=folder, env={**os.environ, "COMPOSE_INTERACTIVE_NO_CLI": "1"})


def write_rendered(folder: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_compose_tool_accepts_the_file(tmp_path, name):
    files = render(name, "run.publish={8080: 18080}")
    write_rendered(tmp_path, files)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "api_token").write_text("not-a-real-token\n")
    result = compose_config(tmp_path)
    assert result.returncode == 0, result.stderr


MUTATIONS = [
    ("read_only: true", "read_only: maybe"),
    ("pids_limit: 128", "pids_limit: [128]"),
    ("    ipc: private", "    ipc: private\n    hostnetwork: true"),
]


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_compose_tool_is_a_real_check(tmp_path, mutation):
    """The validator refuses a broken file: so its acceptance above means something."""
    files = render("go")
    write_rendered(tmp_path, files)
    assert compose_config(tmp_path).returncode == 0
    text = files["compose.yaml"]
    old, new = mutation
    assert old in text
    (tmp_path / "compose.yaml").write_text(text.replace(old, new))
    result = compose_config(tmp_path)
    assert result.returncode != 0


def test_compose_tool_answers_as_its_own_process(tmp_path):
    """The calls above share one docker-compose start-up (compose_cli.py): its command line,
    started afresh, gives the same exit code, output and error (a good file is accepted
    above, by the tests that would fail if the shared one refused everything)."""
    files = render("go")
    write_rendered(tmp_path, {**files, "compose.yaml": files["compose.yaml"].replace(
        *MUTATIONS[0])})
    shared, own = compose_config(tmp_path), compose_config(tmp_path, own_process=True)
    assert own.returncode == 1 and "read_only" in own.stderr, own.stderr
    assert (shared.returncode, shared.stdout, shared.stderr) == (
        own.returncode, own.stdout, own.stderr)


# --- bad run answers -------------------------------------------------------------------------

GOOD = """\
service: api
runtime: python
build:
  dependencies: [requirements.txt]
  sources: [app/]
command: [python3, -m, app]
ports: [8080, 9090]
healthcheck:
  http: /healthz
writable: [/tmp]
"""

BAD = [
    ("capability-not-allowed", GOOD + "capabilities:\n  SYS_ADMIN: mounts things\n",
     ":12: capabilities.SYS_ADMIN:", "not allowed"),
    ("writable-system-dir", GOOD.replace("writable: [/tmp]", "writable: [/tmp, /etc/app]"),
     ":10: writable[1]:", "read-only"),
    ("writable-hides-workdir", GOOD.replace("writable: [/tmp]", "writable: [/app]"),
     ":10: writable[0]:", "hide the service's files"),
    ("writable-over-secrets", GOOD.replace("writable: [/tmp]", "writable: [/run]"),
     ":10: writable[0]:", "/run/secrets"),
    ("writable-nested", GOOD.replace("writable: [/tmp]", "writable: [/tmp, /tmp/x]"),
     ":10: writable[1]:", "inside /tmp"),
    ("limit-above-ceiling", GOOD + "limits:\n  memory: 64Gi\n", ":12: limits.memory:",
     "ceiling"),
    ("pids-above-ceiling", GOOD + "limits:\n  pids: 100000\n", ":12: limits.pids:", "ceiling"),
    ("writable-bigger-than-memory", GOOD + "run:\n  writable_size: 512Mi\n",
     ":12: run.writable_size:", "memory limit"),
    ("port-clash", GOOD + "run:\n  publish:\n    8080: 80\n    9090: 80\n",
     ":14: run.publish.9090:", "already published"),
    ("publish-undeclared-port", GOOD + "run:\n  publish:\n    7000: 7000\n",
     ":13: run.publish.7000:", "not one of the service's ports"),
    ("duplicate-port", GOOD.replace("ports: [8080, 9090]", "ports: [8080, 8080]"),
     ":7: ports:", "non-unique"),
    ("namespace-not-dns", GOOD + "run:\n  namespace: Team_A\n", ":12: run.namespace:",
     "DNS label"),
    ("service-not-dns", GOOD.replace("service: api", "service: Api.Service"),
     ":1: service:", "DNS label"),
    ("host-address-not-ip", GOOD + "run:\n  host_address: '999.1.1.1'\n",
     ":12: run.host_address:", "not an IP address"),
    ("egress-everywhere", GOOD + "run:\n  egress:\n    - {cidr: 0.0.0.0/0, ports: [443]}\n",
     ":13: run.egress[0].cidr:", "every address"),
    ("egress-not-cidr", GOOD + "run:\n  egress:\n    - {cidr: 10.0.0.1/8, ports: [443]}\n",
     ":13: run.egress[0].cidr:", "not an address block"),
    ("exec-writable-unknown", GOOD + "run:\n  exec_writable: [/var/tmp]\n",
     ":12: run.exec_writable[0]:", "not one of the writable paths"),
    ("unknown-run-key", GOOD + "run:\n  hostNetwork: true\n", ":12: run.hostNetwork:",
     "unknown key"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_run_answers(tmp_path, case):
    _, text, where, words = case
    (tmp_path / "tightship.yaml").write_text(text)
    result = run_cli("render", "--answers", "tightship.yaml", "--out", "out", cwd=tmp_path)
    assert result.code == 2, result.err
    assert result.out == ""
    (line,) = result.err.strip().splitlines()
    assert line.startswith("tightship: error: tightship.yaml:"), line
    assert where in line, line
    assert words in line, line
    assert not (tmp_path / "out").exists()


def test_good_answers_render(tmp_path):
    """The base of the bad cases is itself fine: each case fails for its own reason."""
    (tmp_path / "tightship.yaml").write_text(GOOD)
    result = run_cli("render", "--answers", "tightship.yaml", "--out", "out", cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "compose.yaml").is_file()


def test_bad_profile_kubernetes_section(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(textwrap.dedent("""\
        name: p
        extends: default
        kubernetes:
          version: '2.0'
        """))
    (tmp_path / "tightship.yaml").write_text(GOOD)
    result = run_cli("render", "--answers", "tightship.yaml", "--profile", str(profile),
                     "--out", "out", cwd=tmp_path)
    assert result.code == 2
    assert "p.yaml:4: kubernetes.version:" in result.err
    assert not (tmp_path / "out").exists()


def test_names_that_yaml_1_1_would_change_are_quoted_as_keys_too():
    """A service called `yes` or a secret called `on` stays a string for PyYAML and kubectl."""
    files = render("python", "service=yes", "secrets=['on', '1', api]")
    doc = pyyaml.safe_load(files["compose.yaml"])
    assert list(doc["services"]) == ["yes"] and list(doc["networks"]) == ["yes"]
    assert list(doc["secrets"]) == ["on", "1", "api"]
    assert doc["services"]["yes"]["secrets"] == ["on", "1", "api"]
    assert "# R13:" in files["compose.yaml"].split('"on":', 1)[1].splitlines()[0]
    for path, text in files.items():
        if path.startswith("k8s/") and not path.endswith("kustomization.yaml"):
            meta = pyyaml.safe_load(text)["metadata"]
            assert meta["name"] in ("yes", "yes-secrets"), path
            assert meta.get("namespace", "yes") == "yes", path
    dep = pyyaml.safe_load(files["k8s/deployment.yaml"])
    items = dep["spec"]["template"]["spec"]["volumes"][-1]["secret"]["items"]
    assert [i["key"] for i in items] == ["on", "1", "api"]


def test_writable_paths_are_owned_by_the_service():
    """A tmpfs comes up root-owned: uid/gid/mode make each writable path the service's."""
    svc = the_service(compose_of("generic", "writable=[/tmp, /var/spool/app]"))
    uid, gid = svc["user"].split(":")
    for entry in svc["tmpfs"]:
        options = entry.split(":", 1)[1].split(",")
        assert f"uid={uid}" in options and f"gid={gid}" in options
    assert svc["tmpfs"][1].endswith(",mode=0750")


def test_persistent_volume_is_a_named_volume():
    files = render("generic", "volumes=[{name: data, path: /var/lib/app}, "
                              "{name: seed, path: /srv/seed, read_only: true}]")
    doc = read_yaml(files["compose.yaml"])
    svc = the_service(doc)
    assert svc["volumes"] == ["data:/var/lib/app", "seed:/srv/seed:ro"]
    assert doc["volumes"] == {"data": {}, "seed": {}}
    assert svc["read_only"] is True
    # the mount point is created owned by the service's UID, so a fresh volume inherits it
    assert "install -d -o 10001 -g 10001 -m 0750 /var/lib/app" in files["Dockerfile"]


def test_low_port_lowers_the_sysctl_to_the_lowest_port():
    svc = the_service(compose_of("generic", "ports=[80, 443, 8080]",
                                 "run.publish={80: 8080}"))
    assert svc["sysctls"] == {"net.ipv4.ip_unprivileged_port_start": "80"}
    assert "cap_add" not in svc
    assert "sysctls" not in the_service(compose_of("generic"))


def test_secrets_say_where_their_values_go():
    text = render("python")["compose.yaml"]
    assert "./secrets/api_token" in text
    assert re.search(r"readable by UID 10001", text)
    assert "Secret hello-python-secrets" in text


def test_file_variable_names_a_declared_secret():
    svc = the_service(compose_of("python", "env={API_TOKEN_FILE: /run/secrets/api_token}"))
    assert "API_TOKEN_FILE" not in str(svc.get("environment"))  # the image's ENV carries it
    text = render("python", "env={API_TOKEN_FILE: /run/secrets/api_token}")["Dockerfile"]
    assert 'API_TOKEN_FILE="/run/secrets/api_token"' in text
