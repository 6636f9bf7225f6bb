"""On the real engine: each service runs healthy under its generated seccomp profile, and the
dangerous syscalls fail inside it with EPERM (a probe run with `docker exec`, counted).

Every example but java, whose JVM base image the engine's local registry does not carry."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from cli_support import copy_example
from engine_support import GOLANG_IMAGE, build_image, proc_status, run_container, wait_healthy

from generator.render.pipeline import render_service

# one xdist worker runs the whole module: its module fixtures build under fixed names
pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine-seccomp")]

GOLANG = GOLANG_IMAGE
EXAMPLES = ("python", "node", "go", "static", "generic")
FAST_HEALTH = {"interval": 2_000_000_000, "timeout": 5_000_000_000,
               "start_period": 1_000_000_000, "retries": 3}
# Attempts that must fail with EPERM. ptrace(TRACEME) and io_uring_setup get through Docker's
# default profile (see the control test), so their EPERM is this profile's doing.
MUST_FAIL = ("unshare(0)", "ptrace(TRACEME)", "unshare(NEWUSER)", "mount", "keyctl", "bpf",
             "add_key", "setns", "perf_event_open", "userfaultfd", "io_uring_setup",
             "clock_settime", "init_module")

# A static probe with no libc and no shell: it runs in every image, distroless included.
PROBE_GO = r'''
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

var numbers = map[string]map[string]uintptr{
	"amd64": {"getpid": 39, "unshare": 272, "ptrace": 101, "mount": 165, "keyctl": 250,
		"bpf": 321, "add_key": 248, "setns": 308, "perf_event_open": 298, "userfaultfd": 323,
		"io_uring_setup": 425, "clock_settime": 227, "init_module": 175},
	"arm64": {"getpid": 172, "unshare": 97, "ptrace": 117, "mount": 40, "keyctl": 219,
		"bpf": 280, "add_key": 217, "setns": 268, "perf_event_open": 241, "userfaultfd": 282,
		"io_uring_setup": 425, "clock_settime": 112, "init_module": 105},
}

func str(s string) uintptr { p, _ := syscall.BytePtrFromString(s); return uintptr(unsafe.Pointer(p)) }

func try(label, name string, args ...uintptr) {
	a := make([]uintptr, 6)
	copy(a, args)
	_, _, e := syscall.RawSyscall6(numbers[runtime.GOARCH][name], a[0], a[1], a[2], a[3], a[4], a[5])
	if e == 0 {
		fmt.Printf("%s ok\n", label)
	} else if e == syscall.EPERM {
		fmt.Printf("%s EPERM\n", label)
	} else {
		fmt.Printf("%s errno=%d\n", label, int(e))
	}
}

func main() {
	buf := make([]byte, 256)
	var ts [2]int64
	try("getpid", "getpid")
	try("unshare(0)", "unshare", 0)
	try("ptrace(TRACEME)", "ptrace", 0)
	try("unshare(NEWUSER)", "unshare", 0x10000000)
	try("mount", "mount", str("none"), str("/tmp"), str("tmpfs"), 0, str(""))
	try("keyctl", "keyctl", 0, ^uintptr(2), 0)
	try("bpf", "bpf", 0, uintptr(unsafe.Pointer(&buf[0])), 72)
	try("add_key", "add_key", str("user"), str("probe"), str("x"), 1, ^uintptr(2))
	try("setns", "setns", 0, 0)
	try("perf_event_open", "perf_event_open", uintptr(unsafe.Pointer(&buf[0])), 0, ^uintptr(0), ^uintptr(0), 0)
	try("userfaultfd", "userfaultfd", 0)
	try("io_uring_setup", "io_uring_setup", 1, uintptr(unsafe.Pointer(&buf[0])))
	try("clock_settime", "clock_settime", 0, uintptr(unsafe.Pointer(&ts[0])))
	try("init_module", "init_module", 0, 0, str(""))
	os.Exit(0)
}
'''

# The same attempts through libc's syscall() from Python, for the image that has Python.
PROBE_PY = r'''
import ctypes, errno, json, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
buf = ctypes.create_string_buffer(256)
s = lambda text: ctypes.c_char_p(text.encode())
numbers = json.loads(sys.argv[1])
attempts = [("getpid", "getpid", ()), ("unshare(0)", "unshare", (0,)),
            ("ptrace(TRACEME)", "ptrace", (0,)), ("unshare(NEWUSER)", "unshare", (0x10000000,)),
            ("mount", "mount", (s("none"), s("/tmp"), s("tmpfs"), 0, s(""))),
            ("keyctl", "keyctl", (0, -3, 0)), ("bpf", "bpf", (0, buf, 72))]
for label, name, args in attempts:
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(numbers[name]), *args)
    err = ctypes.get_errno()
    print(label, "ok" if result >= 0 else ("EPERM" if err == errno.EPERM else f"errno={err}"))
'''


def parse(output: bytes) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in output.decode().strip().splitlines())


@pytest.fixture(scope="module")
def probe_dir(engine, registry_images, tmp_path_factory) -> Path:
    """A static probe binary, built with the Go of the local golang image."""
    out = tmp_path_factory.mktemp("probe-bin")
    (out / "probe.go").write_text(PROBE_GO)
    go_build(engine, out, "probe", "probe.go")
    (out / "probe.go").unlink()
    assert (out / "probe").is_file()
    (out / "probe").chmod(0o755)
    out.chmod(0o755)
    return out


def go_build(engine, folder: Path, output: str, *args: str) -> None:
    """`go build` with the Go of the local golang image (no Go needed on the host)."""
    engine.images.pull(GOLANG)
    engine.containers.run(
        GOLANG, ["go", "build", "-trimpath", "-o", output, *args], working_dir="/src",
        environment={"CGO_ENABLED": "0", "GOPATH": "/tmp/gopath",  # the image's GOCACHE
                     "HOME": "/tmp", "GOFLAGS": "-buildvcs=false"},
        volumes={str(folder): {"bind": "/src", "mode": "rw"}}, network_mode="none",
        remove=True)


@pytest.fixture(scope="module")
def services(engine, engine_profile, tmp_path_factory) -> dict[str, tuple[object, str]]:
    """Each example built from its generated Dockerfile: name -> (image, seccomp.json text)."""
    built = {}
    for name in EXAMPLES:
        service = copy_example(name, tmp_path_factory.mktemp(f"seccomp-{name}"))
        if name == "static":  # its image copies a prebuilt binary (the example's Makefile)
            go_build(engine, service, "bin/hello-static", ".")
        files = render_service(service / "tightship.yaml", str(engine_profile))
        for path, text in files.items():
            (service / path).parent.mkdir(parents=True, exist_ok=True)
            (service / path).write_text(text)
        image = build_image(engine, service, f"tightship-test/seccomp-{name}:latest")
        built[name] = (image, files["seccomp.json"])
    return built


def hardened(seccomp: str | None, probe: Path) -> dict:
    options = ["no-new-privileges:true"]
    if seccomp is not None:
        options.append("seccomp=" + seccomp)
    return {"security_opt": options, "read_only": True, "cap_drop": ["ALL"],
            "tmpfs": {"/tmp": "rw,noexec,nosuid,size=16m"}, "healthcheck": FAST_HEALTH,
            "volumes": {str(probe): {"bind": "/.probe", "mode": "ro"}}}


@pytest.mark.parametrize("name", EXAMPLES)
def test_service_is_healthy_under_its_profile_and_dangerous_calls_get_eperm(
        engine, services, probe_dir, name):
    image, profile = services[name]
    started = time.monotonic()
    with run_container(engine, image, **hardened(profile, probe_dir)) as container:
        wait_healthy(container, timeout=60)
        status = proc_status(container)
        assert status["Seccomp"] == "2"  # filter mode
        assert status["NoNewPrivs"] == "1"
        code, output = container.exec_run(["/.probe/probe"])
        assert code == 0, output
        results = parse(output)
        assert results.pop("getpid") == "ok"  # the probe itself runs
        denied = [label for label in MUST_FAIL if results.get(label) == "EPERM"]
        assert denied == list(MUST_FAIL), results
        if name == "python":  # a second witness: libc's syscall() from the interpreter
            import pyseccomp
            numbers = {n: pyseccomp.resolve_syscall(pyseccomp.system_arch(), n)
                       for n in ("getpid", "unshare", "ptrace", "mount", "keyctl", "bpf")}
            code, output = container.exec_run(["python3", "-c", PROBE_PY, json.dumps(numbers)])
            assert code == 0, output
            results = parse(output)
            assert results.pop("getpid") == "ok"
            assert set(results.values()) == {"EPERM"}, results
        wait_healthy(container, timeout=10)  # still healthy after the probe
    print(f"\n{name}: healthy under its profile, {len(denied)} dangerous attempts got EPERM "
          f"({time.monotonic() - started:.1f}s)")


def test_docker_default_profile_lets_through_what_ours_stops(engine, services, probe_dir):
    """The control: under the engine's default profile the same probe gets further, so the
    EPERMs above come from the generated profile, not from dropped capabilities alone."""
    image, _ = services["go"]
    with run_container(engine, image, **hardened(None, probe_dir)) as container:
        wait_healthy(container, timeout=60)
        code, output = container.exec_run(["/.probe/probe"])
        assert code == 0, output
        results = parse(output)
        print(f"\nunder Docker's default profile: {results}")
        assert results["ptrace(TRACEME)"] == "ok"
        assert results["io_uring_setup"] != "EPERM"


def test_the_generated_file_is_what_docker_loads(engine, services, tmp_path, probe_dir):
    """`docker run --security-opt seccomp=FILE` with the file itself, through the CLI."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker CLI on this machine (the SDK tests above cover the engine)")
    import subprocess

    image, profile = services["go"]
    path = tmp_path / "seccomp.json"
    path.write_text(profile)
    proc = subprocess.run([docker, "run", "--rm", "--network", "none", "--security-opt",
                           f"seccomp={path}", "--security-opt", "no-new-privileges",
                           "--cap-drop", "ALL", "-v", f"{probe_dir}:/.probe:ro",
                           "--entrypoint", "/.probe/probe", image.id],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert parse(proc.stdout)["mount"] == "EPERM"
