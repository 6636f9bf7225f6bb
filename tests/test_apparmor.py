"""apparmor/tightship-SERVICE (R05): compiles with apparmor_parser, holds the Spec's rules.

This machine's kernel has no AppArmor module, so the profiles are compiled (`-Q`: no kernel
load), not enforced.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, copy_example, run_cli
from yaml_support import read_yaml

from generator.render.pipeline import render_service

PARSER = shutil.which("apparmor_parser") or "/usr/sbin/apparmor_parser"


def compile_profile(text: str, tmp_path: Path) -> subprocess.CompletedProcess:
    if not Path(PARSER).exists():
        pytest.fail("apparmor_parser is not installed (Debian package `apparmor`)")
    path = tmp_path / "profile"
    path.write_text(text)
    # -Q: compile only, never load into a kernel; -K: no cache.
    return subprocess.run([PARSER, "-Q", "-K", str(path)], capture_output=True, text=True,
                          timeout=60)


def render_profile(example: str, sets=()) -> tuple[str, str]:
    files = render_service(EXAMPLES / example / "tightship.yaml", "default", sets)
    [(path, text)] = [(p, t) for p, t in files.items() if p.startswith("apparmor/")]
    return path, text


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_example_profile_compiles(example, tmp_path):
    path, text = render_profile(example)
    service = re.search(r"^service: (\S+)$", (EXAMPLES / example / "tightship.yaml").read_text(),
                        re.M).group(1)
    assert path == f"apparmor/tightship-{service}"
    assert f"profile tightship-{service} flags=" in text
    result = compile_profile(text, tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_broken_profile_is_rejected(tmp_path):
    _, text = render_profile("python")
    broken = text.replace("  deny mount,\n", "  deny mount\n")  # a rule without its comma
    result = compile_profile(broken, tmp_path)
    assert result.returncode != 0
    assert "error" in result.stderr.lower()
    unclosed = text.rstrip().rstrip("}")
    assert compile_profile(unclosed, tmp_path).returncode != 0


def test_docker_default_protections_are_kept():
    _, text = render_profile("node")
    for line in ("deny mount,", "deny umount,", "deny pivot_root,", "deny network raw,",
                 "deny network packet,", "deny @{PROC}/sys/** wkl,", "deny /sys/** wkl,",
                 "deny @{PROC}/sysrq-trigger rwklx,",
                 "signal (send, receive) peer=tightship-hello-node,",
                 "ptrace (read, readby, trace, tracedby) peer=tightship-hello-node,"):
        assert f"  {line}\n" in text, line
    assert "apparmor_parser -r" in text  # how to load it


def test_files_are_read_only_except_the_writable_paths():
    _, text = render_profile("python")
    rules = [line.strip() for line in text.splitlines()
             if line.strip() and not line.strip().startswith(("#", "deny"))]
    writers = [r for r in rules if r.endswith(",") and " " in r
               and "w" in r.rsplit(" ", 1)[1] and r.startswith("/")]
    assert writers == ["/tmp/ rw,", "/tmp/** rwkl,", "/dev/null rw,", "/dev/zero rw,",
                       "/dev/full rw,", "/dev/tty rw,", "/dev/pts/* rw,"]
    assert "/** r," in rules and "/** rw," not in rules


def test_exec_is_only_the_runtime_and_the_command():
    _, text = render_profile("go")
    execs = [line.strip() for line in text.splitlines() if line.strip().endswith(" ix,")]
    assert execs == ["/app/hello-go ix,"]
    _, text = render_profile("python")
    execs = [line.strip() for line in text.splitlines() if line.strip().endswith(" ix,")]
    assert all("python3" in e for e in execs) and execs


def test_capabilities_are_only_those_kept(tmp_path):
    _, text = render_profile("go")
    assert "  capability" not in text
    _, text = render_profile("go", ["capabilities.NET_BIND_SERVICE=listens on port 80"])
    caps = [line.strip() for line in text.splitlines() if line.strip().startswith("capability")]
    assert caps == ["capability net_bind_service,  # listens on port 80"]
    assert compile_profile(text, tmp_path).returncode == 0


def test_network_rules_follow_the_declared_ports(tmp_path):
    service = copy_example("go", tmp_path)
    text = (service / "tightship.yaml").read_text().replace("ports: [8080]\n", "")
    (service / "tightship.yaml").write_text(text)
    files = render_service(service / "tightship.yaml", "default")
    profile = files["apparmor/tightship-hello-go"]
    assert "\n  network inet" not in profile
    assert "(none: the service declares no ports and no egress)" in profile
    assert compile_profile(profile, tmp_path).returncode == 0
    _, listening = render_profile("go")
    assert "  network inet stream,\n  network inet6 stream,\n" in listening
    assert "dgram" not in listening


def test_render_writes_the_profile_and_is_byte_identical(tmp_path):
    service = copy_example("node", tmp_path)
    assert run_cli("render", "--answers", str(service / "tightship.yaml")).code == 0
    written = (service / "apparmor" / "tightship-hello-node").read_text()
    check = run_cli("render", "--answers", str(service / "tightship.yaml"), "--check")
    assert check.code == 0, check.out
    assert written == render_profile("node")[1]


def _yaml(text: str):
    return read_yaml(text)


def test_compose_and_kubernetes_name_the_generated_profiles(tmp_path):
    files = render_service(EXAMPLES / "python" / "tightship.yaml", "default")
    svc = _yaml(files["compose.yaml"])["services"]["hello-python"]
    assert "seccomp=./seccomp.json" in svc["security_opt"]
    # Docker's default until TIGHTSHIP_APPARMOR names the generated profile, once loaded
    assert "apparmor=${TIGHTSHIP_APPARMOR:-docker-default}" in svc["security_opt"]
    assert "TIGHTSHIP_APPARMOR=tightship-hello-python once the host has loaded it" in \
        files["compose.yaml"]
    pod = _yaml(files["k8s/deployment.yaml"])["spec"]["template"]["spec"]
    assert pod["securityContext"]["seccompProfile"] == {
        "type": "Localhost", "localhostProfile": "tightship/hello-python.json"}
    assert pod["securityContext"]["appArmorProfile"] == {
        "type": "Localhost", "localhostProfile": "tightship-hello-python"}


def test_the_profile_decides_where_the_apparmor_profile_is_named(tmp_path):
    """A profile may say compose: false: compose names no AppArmor profile and Docker keeps
    its default; older clusters get the annotation form."""
    profile = tmp_path / "no-apparmor.yaml"
    profile.write_text("name: no-apparmor\nextends: default\napparmor:\n  compose: false\n"
                       "  kubernetes: false\nkubernetes:\n  version: '1.29'\n")
    files = render_service(EXAMPLES / "go" / "tightship.yaml", str(profile))
    options = _yaml(files["compose.yaml"])["services"]["hello-go"]["security_opt"]
    assert not any(o.startswith("apparmor=") for o in options)
    assert "seccomp=./seccomp.json" in options  # seccomp does not depend on AppArmor
    assert "apparmor/tightship-hello-go" in files  # still written, to load where it can be
    old = tmp_path / "old.yaml"
    old.write_text("name: old\nextends: default\nkubernetes:\n  version: '1.29'\n")
    files = render_service(EXAMPLES / "go" / "tightship.yaml", str(old))
    meta = _yaml(files["k8s/deployment.yaml"])["spec"]["template"]["metadata"]
    assert meta["annotations"]["container.apparmor.security.beta.kubernetes.io/hello-go"] == \
        "localhost/tightship-hello-go"


@pytest.mark.parametrize("program", ["/app/*", "/app/my server", "/app/a,b", '/app/"q"',
                                     "/app/{a,b}", "/app/back\\slash", "/app/[x]^?", "srv,*",
                                     "/app/caf\u00e9", "/app/x # y"])
def test_a_strange_command_stays_one_literal_path(tmp_path, program):
    """Glob characters, spaces, quotes and commas in the command never widen what may run."""
    service = copy_example("go", tmp_path)
    text = (service / "tightship.yaml").read_text().replace(
        "command: [/app/hello-go]", "command: [" + json.dumps(program) + "]")
    (service / "tightship.yaml").write_text(text)
    files = render_service(service / "tightship.yaml", "default")
    profile = files["apparmor/tightship-hello-go"]
    result = compile_profile(profile, tmp_path)
    assert result.returncode == 0, result.stderr + profile
    execs = [line.strip() for line in profile.splitlines() if line.strip().endswith(" ix,")]
    assert execs, profile
    for rule in execs:
        path = rule[:-len(" ix,")]
        unquoted = path[1:-1] if path.startswith('"') else path
        assert not re.search(r"(?<!\\)[*?\[\]{}^]", unquoted), rule
