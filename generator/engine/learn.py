"""`tightship seccomp learn`: trace what a service really calls, and keep only that.

The image runs on the engine with the usual hardening (no network, read-only root, no
capabilities, no-new-privileges) under the host's `strace`, bind-mounted read-only with the
libraries it needs so it runs in any image, distroless included: `strace -f` starts the
service's own command, and every health check and exercise command run with `docker exec` is
traced the same way. The syscalls seen, plus the runtime's group (what the runtime may need on
paths a short run does not take: a new thread, a signal, the garbage collector), make the
profile; special rules (clone without namespace flags, clone3 answering ENOSYS, socket
families) come from the groups, and dangerous syscalls are never added. Then the container runs
again under that profile, with no tracer, and must become healthy.

Nothing here prints: progress goes to a callback, and the command line reports the result.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets as token
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.engine.client import open_client
from generator.engine.verify import SECRETS_DIR
from generator.errors import EngineError, UserError
from generator.render.group_model import GroupSet
from generator.render.outputs.seccomp import profile_json
from generator.render.seccomp_groups import START_GROUP, is_syscall
from generator.render.syscall_rules import SyscallRule, allowed_names, make_rules

TRACER_DIR = "/.tightship-trace"
OUT_DIR = "/.tightship-out"
LEARNED = "traced while running"
_LINE_RE = re.compile(r"^(?:\d+\s+)?(?:<\.\.\. )?([a-z_][a-z0-9_]*)(?:\(| resumed>)")
_SECOND = 1_000_000_000


@dataclass
class LearnResult:
    image: str
    runtime: str
    seen: tuple[str, ...]  # every syscall the traces show
    left_out: tuple[str, ...]  # seen but dangerous: not allowed (the service must cope)
    rules: tuple[SyscallRule, ...]
    text: str  # the profile, seccomp.json format
    traced_checks: list[int] = field(default_factory=list)  # exit codes while tracing
    exercise_code: int | None = None  # the exercise command's exit code under the profile
    healthy: bool = False  # the re-run under the learned profile became healthy
    health_log: str = ""
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(allowed_names(self.rules))


def parse_trace(text: str) -> set[str]:
    """Syscall names in `strace -f` output (unknown names, such as syscall_0x1b6, skipped)."""
    names = set()
    for line in text.splitlines():
        match = _LINE_RE.match(line)
        if match and is_syscall(match.group(1)):
            names.add(match.group(1))
    return names


def learned_rules(seen: set[str], groups: GroupSet,
                  runtime_groups: Sequence[str]) -> tuple[tuple[SyscallRule, ...], tuple[str, ...]]:
    """The smallest profile covering `seen`, plus the container runtime's own start-up calls
    and the service runtime's groups; dangerous names are left out."""
    left_out = tuple(sorted(n for n in seen if n in groups.dangerous
                            and n not in groups.special))
    wanted = [(n, LEARNED) for n in sorted(seen) if n not in left_out]
    for name in dict.fromkeys([START_GROUP, *runtime_groups]):
        wanted += [(n, name) for n in groups.groups[name].syscalls]
    return make_rules(wanted, groups), left_out


def _tracer_bundle(folder: Path) -> None:
    """Copy the host's strace and its shared libraries (and loader) into `folder`."""
    strace = shutil.which("strace")
    if strace is None:
        raise EngineError("`seccomp learn` traces with the host's strace: install it "
                          "(Debian: apt-get install strace)")
    try:
        ldd = subprocess.run(["ldd", strace], capture_output=True, text=True, check=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineError(f"cannot list the libraries strace needs (ldd): {exc}") from None
    loader = None
    shutil.copy2(strace, folder / "strace")
    for match in re.finditer(r"(/\S+)", ldd):
        path = Path(match.group(1))
        if path.is_file():
            shutil.copy2(path.resolve(), folder / path.name)
            if path.name.startswith("ld-linux") or path.name.startswith("ld64"):
                loader = path.name
    if loader is None:
        raise EngineError(f"cannot find the dynamic loader strace uses in: {ldd.strip()}")
    (folder / "loader").symlink_to(loader)
    for item in folder.iterdir():
        if not item.is_symlink():
            item.chmod(0o755)
    folder.chmod(0o755)


def _traced(argv: Sequence[str], output: str) -> list[str]:
    """argv run under the bundled strace, writing its trace to `output` (inside the container)."""
    return [f"{TRACER_DIR}/loader", "--library-path", TRACER_DIR, f"{TRACER_DIR}/strace",
            "-f", "-qq", "-e", "signal=none", "-o", f"{OUT_DIR}/{output}", "--", *argv]


def _health_argv(test: list[str] | None) -> list[str]:
    if not test or test[0] == "NONE":
        raise UserError("the image has no HEALTHCHECK: `seccomp learn` needs one to prove the "
                        "service healthy under the learned profile", field="image")
    if test[0] == "CMD":
        return list(test[1:])
    if test[0] == "CMD-SHELL":
        return ["/bin/sh", "-c", test[1]]
    return list(test)


def _client():
    try:
        from docker.errors import DockerException  # only this command needs the engine
    except ImportError:
        raise EngineError("`seccomp learn` needs the Docker SDK: reinstall tightship "
                          "(pip install tightship)") from None
    try:
        return open_client(timeout=120)
    except (OSError, DockerException) as exc:
        raise EngineError(f"no Docker engine reachable: {exc}") from None


def _image(client, reference: str):
    from docker.errors import APIError, ImageNotFound

    try:
        return client.images.get(reference)
    except ImageNotFound:
        pass
    try:
        return client.images.pull(reference)
    except APIError as exc:
        raise EngineError(f"image {reference} is neither local nor pullable: {exc}") from None


@contextlib.contextmanager
def _container(client, image, **kwargs) -> Iterator[Any]:
    container = client.containers.run(image, detach=True, **kwargs)
    try:
        yield container
    finally:
        with contextlib.suppress(Exception):
            container.remove(force=True, v=True)


def _owner(user: str) -> str:
    """tmpfs options giving the mount to the image's numeric USER: Docker mounts a tmpfs over
    a folder the image has with that folder's mode but as root's, whatever `mode=` says."""
    uid, _, gid = (user or "").partition(":")
    if not uid.isdigit():
        return ""
    return f",uid={uid},gid={gid if gid.isdigit() else uid}"


def _hardening(writable: Sequence[str], secrets: dict[str, Path], user: str) -> dict:
    return {"network_mode": "none", "read_only": True, "cap_drop": ["ALL"],
            # 1777 and the image's user: writable by that user (a tmpfs is root's otherwise)
            "tmpfs": {p: f"rw,nosuid,size=64m,mode=1777{_owner(user)}" for p in writable},
            "security_opt": ["no-new-privileges:true"],
            "volumes": {str(path): {"bind": f"{SECRETS_DIR}/{name}", "mode": "ro"}
                        for name, path in secrets.items()}}


def _throwaway_secrets(folder: Path, names: Sequence[str]) -> dict[str, Path]:
    """A generated value for each declared secret, so a service that reads one at start-up
    starts (0444: whichever UID the image runs as reads it; the value is never used again)."""
    made = {}
    for name in names:
        path = folder / name
        path.write_text(token.token_urlsafe(48) + "\n")
        path.chmod(0o444)
        made[name] = path
    return made


def _health(container) -> tuple[str | None, str]:
    container.reload()
    health = container.attrs["State"].get("Health") or {}
    log = "\n".join(f"exit {e.get('ExitCode')}: {(e.get('Output') or '').strip()[:300]}"
                    for e in (health.get("Log") or [])[-3:])
    return health.get("Status"), log


def learn(image: str, *, runtime: str, groups: GroupSet, runtime_groups: Sequence[str],
          run_seconds: float = 10, exercise: str | None = None,
          writable: Sequence[str] = ("/tmp",), secrets: Sequence[str] = (),
          healthy_within: float = 60,
          progress: Callable[[str], None] = lambda _: None) -> LearnResult:
    started = time.monotonic()
    client = _client()
    try:
        img = _image(client, image)
        config = img.attrs.get("Config") or {}
        argv = list(config.get("Entrypoint") or []) + list(config.get("Cmd") or [])
        if not argv:
            raise UserError(f"image {image} has no command to run", field="image")
        health = _health_argv((config.get("Healthcheck") or {}).get("Test"))
        extra = shlex.split(exercise) if exercise else []
        with tempfile.TemporaryDirectory(prefix="tightship-learn-") as tmp:
            tracer, out, values = Path(tmp) / "tracer", Path(tmp) / "out", Path(tmp) / "secrets"
            for folder in (tracer, out, values):
                folder.mkdir()
            os.chmod(out, 0o1777)  # the service's own non-root user writes its traces
            os.chmod(values, 0o755)
            _tracer_bundle(tracer)
            hardening = _hardening(writable, _throwaway_secrets(values, secrets),
                                   str(config.get("User") or ""))
            seen, checks = _trace(client, img, argv, health, extra, tracer, out, hardening,
                                  run_seconds, progress)
            rules, left_out = learned_rules(seen, groups, runtime_groups)
            text = profile_json(rules)
            result = LearnResult(image=image, runtime=runtime, seen=tuple(sorted(seen)),
                                 left_out=left_out, rules=rules, text=text,
                                 traced_checks=checks)
            progress(f"traced {len(seen)} distinct syscalls; the profile allows "
                     f"{result.count} (with the runtime's groups: "
                     f"{', '.join(runtime_groups) or 'none'})")
            _verify(client, img, result, extra, hardening, healthy_within, progress)
        result.seconds = time.monotonic() - started
        return result
    finally:
        client.close()


def _trace(client, img, argv, health, extra, tracer: Path, out: Path, hardening: dict,
           run_seconds, progress) -> tuple[set[str], list[int]]:
    options = {**hardening, "volumes": {**hardening["volumes"],
                                        str(tracer): {"bind": TRACER_DIR, "mode": "ro"},
                                        str(out): {"bind": OUT_DIR, "mode": "rw"}}}
    options["healthcheck"] = {"test": ["NONE"]}  # the checks are run (traced) from here
    progress(f"running {' '.join(argv)} under strace for {run_seconds:g}s")
    codes: list[int] = []
    with _container(client, img, entrypoint=[_traced(argv, "service.trace")[0]],
                    command=_traced(argv, "service.trace")[1:], **options) as container:
        deadline = time.monotonic() + run_seconds
        n = 0
        while True:
            time.sleep(1)
            container.reload()
            if container.status != "running":
                logs = container.logs(tail=20).decode(errors="replace")
                raise EngineError(f"the service stopped while being traced "
                                  f"({container.status}); last output:\n{logs}")
            n += 1
            code, _ = container.exec_run(_traced(health, f"health-{n}.trace"))
            codes.append(code)
            if time.monotonic() >= deadline and code == 0:
                break
            if time.monotonic() >= deadline + 60:
                raise EngineError(f"the health check never passed while tracing (exit codes "
                                  f"{codes[-5:]})")
            time.sleep(1)
        progress(f"health check traced {n} times (exit codes {sorted(set(codes))})")
        if extra:
            code, output = container.exec_run(_traced(extra, "exercise.trace"))
            progress(f"exercise `{' '.join(extra)}` exited {code}")
            if code != 0:
                raise EngineError(f"the exercise command failed while tracing (exit {code}): "
                                  f"{output.decode(errors='replace')[-500:]}")
        container.kill()
    seen: set[str] = set()
    for trace in sorted(out.iterdir()):
        seen |= parse_trace(trace.read_text(errors="replace"))
    if not seen:
        raise EngineError("the traces are empty: strace could not follow the service")
    return seen, codes


def _verify(client, img, result: LearnResult, extra, hardening: dict, healthy_within,
            progress):
    options = dict(hardening)
    options["security_opt"] = ["no-new-privileges:true", "seccomp=" + result.text]
    options["healthcheck"] = {"interval": 2 * _SECOND, "timeout": 5 * _SECOND,
                              "start_period": 1 * _SECOND, "retries": 3}
    progress("running it again under the learned profile, without the tracer")
    with _container(client, img, **options) as container:
        deadline = time.monotonic() + healthy_within
        status, log = _health(container)
        while status != "healthy" and status != "unhealthy" and time.monotonic() < deadline:
            if container.status == "exited":
                break
            time.sleep(1)
            status, log = _health(container)
        result.healthy = status == "healthy"
        result.health_log = log
        if result.healthy and extra:
            result.exercise_code, _ = container.exec_run(extra)
            if result.exercise_code != 0:
                result.healthy = False
                result.health_log = (f"the exercise exited {result.exercise_code} under the "
                                     "learned profile")
        if result.healthy:
            time.sleep(4)  # a couple more health checks, then still healthy?
            status, log = _health(container)
            result.healthy = status == "healthy"
            result.health_log = log
        progress(f"under the learned profile: {status or container.status}")
