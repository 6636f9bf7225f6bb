"""apparmor/tightship-SERVICE (R05): compiles with apparmor_parser, holds the Spec's rules.

This machine's kernel has no AppArmor module, so the profiles are compiled (`-Q`: no kernel
load), not enforced.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_support import EXAMPLE_NAMES, EXAMPLES, copy_example, run_cli
from generator.pipeline import render_service

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
