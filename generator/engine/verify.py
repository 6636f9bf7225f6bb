"""`tightship verify`: build what was rendered, run it as compose.yaml says, prove each property.

The proofs are read from the kernel (the container's /proc entries on the host) and from the
engine, never from the generated files: non-root UID, no capabilities, no_new_privs, seccomp in
filter mode with a forbidden syscall refused, a read-only root, every writable path and volume
writable by the service's UID, and a healthy health check. Each declared secret gets a
throw-away value, so a service that reads one at start-up starts. The image, container,
volumes and secret files are always removed afterwards.
"""

from __future__ import annotations

import json
import os
import re
import secrets as token
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.engine import probe as probes
from generator.errors import EngineError

_NS = 1_000_000_000
_UNITS = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
SECRETS_DIR = "/run/secrets"


@dataclass(frozen=True)
class Proof:
    name: str
    ok: bool | None  # None: could not be tried here (said why in detail)
    detail: str


def _seconds(text: str) -> float:
    if text.endswith("ms"):
        return int(text[:-2]) / 1000
    return int(text[:-1]) * {"s": 1, "m": 60}[text[-1]]


def _bytes(text: str) -> int:
    return int(text[:-1]) * _UNITS[text[-1].lower()]


def run_settings(compose_text: str, service: str, seccomp_text: str | None,
                 apparmor_loaded: bool) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Docker SDK `containers.run` arguments for the compose service, and what was left out."""
    doc = YAML(typ="safe", pure=True).load(compose_text)
    svc = doc["services"][service]
    notes = []
    security = []
    for option in svc.get("security_opt", []):
        if option.startswith("seccomp="):
            if seccomp_text is None:
                raise EngineError(f"compose.yaml names {option} but no seccomp profile was "
                                  "rendered")
            security.append(f"seccomp={seccomp_text}")
        elif option.startswith("apparmor=") and not apparmor_loaded:
            notes.append(("apparmor", f"{option} left out: this kernel has no AppArmor "
                                      "(the profile is compiled, not enforced)"))
        elif option.startswith("apparmor="):
            security.append(_interpolate(option))
        else:
            security.append(option)
    h = svc["healthcheck"]
    settings = {
        "user": svc["user"],
        "read_only": bool(svc.get("read_only")),
        "tmpfs": dict(entry.split(":", 1) for entry in svc.get("tmpfs", [])),
        "cap_drop": svc.get("cap_drop", []),
        "cap_add": svc.get("cap_add", []),
        "security_opt": security,
        "privileged": bool(svc.get("privileged")),
        "mem_limit": _bytes(svc["mem_limit"]),
        "memswap_limit": _bytes(svc["memswap_limit"]),
        "nano_cpus": int(float(svc["cpus"]) * 1e9),
        "pids_limit": svc["pids_limit"],
        "ipc_mode": svc.get("ipc", "private"),
        # The generated health check, polled faster so a verify run takes seconds, not minutes.
        "healthcheck": {"test": h["test"], "interval": 2 * _NS,
                        "timeout": int(_seconds(h["timeout"]) * _NS),
                        "start_period": int(_seconds(h["start_period"]) * _NS),
                        "retries": h["retries"]},
        "network_mode": "none",  # the service is proven in isolation
    }
    if svc.get("sysctls"):
        settings["sysctls"] = dict(svc["sysctls"])
    return settings, notes


def _interpolate(text: str) -> str:
    """compose's `${NAME:-default}`, as docker-compose reads it from this environment."""
    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}",
                  lambda m: os.environ.get(m.group(1)) or m.group(2), text)


def writable_paths(compose_text: str, service: str) -> list[str]:
    """Every path compose makes writable: its tmpfs mounts and its read-write volumes."""
    svc = YAML(typ="safe", pure=True).load(compose_text)["services"][service]
    paths = [entry.split(":", 1)[0] for entry in svc.get("tmpfs", [])]
    for entry in svc.get("volumes", []):
        parts = entry.split(":")
        if len(parts) < 3 or parts[2] != "ro":
            paths.append(parts[1])
    return paths


def _mounts(compose_text: str, service: str, scratch: Path, run_id: str, uid: int, gid: int,
            client) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Throw-away values for the secrets and fresh volumes for the named volumes.

    Each secret file is the service UID's, mode 0400, as the README asks of `./secrets/NAME`.
    """
    svc = YAML(typ="safe", pure=True).load(compose_text)["services"][service]
    mounts: dict[str, dict[str, str]] = {}
    for name in svc.get("secrets", []):
        path = scratch / name
        path.write_text(f"verify-{token.token_hex(16)}\n")
        try:
            shutil.chown(path, uid, gid)
            path.chmod(0o400)
        except PermissionError:  # not root: readable by anyone instead
            path.chmod(0o444)
        mounts[str(path)] = {"bind": f"{SECRETS_DIR}/{name}", "mode": "ro"}
    volumes = []
    for entry in svc.get("volumes", []):
        name, target, *mode = entry.split(":")
        volume = client.volumes.create(f"tightship-verify-{run_id}-{name}")
        volumes.append(volume.name)
        mounts[volume.name] = {"bind": target, "mode": mode[0] if mode else "rw"}
    return mounts, volumes


def _status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _root_read_only(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/mountinfo").read_text().splitlines():
        parts = line.split()
        if parts[4] == "/":
            return "ro" in parts[5].split(",")
    return False


def verify(client, context_dir: Path, files: dict[str, str], service: str, uid: int,
           *, has_python: bool, has_shell: bool = True, timeout: float = 120) -> list[Proof]:
    """Build `files["Dockerfile"]` over `context_dir`, run it, and collect the proofs."""
    from docker.errors import APIError, BuildError, DockerException
    from docker.utils.build import tar

    run_id = uuid.uuid4().hex[:12]
    tag = f"tightship-verify/{service}:{run_id}"
    patterns = [line for line in files.get(".dockerignore", "").splitlines()
                if line.strip() and not line.startswith("#")]
    apparmor_loaded = Path("/sys/kernel/security/apparmor").exists()
    settings, notes = run_settings(files["compose.yaml"], service, files.get("seccomp.json"),
                                   apparmor_loaded)
    proofs = [Proof(name, None, detail) for name, detail in notes]
    probe, probe_note = probes.choose(has_python=has_python, has_shell=has_shell)
    gid = int(str(settings["user"]).split(":")[1]) if ":" in str(settings["user"]) else uid
    scratch = Path(tempfile.mkdtemp(prefix="tightship-verify-"))
    scratch.chmod(0o755)
    container = None
    volumes: list[str] = []
    try:
        context = tar(str(context_dir), exclude=patterns,
                      dockerfile=(".tightship.Dockerfile", files["Dockerfile"]))
        try:
            image, _ = client.images.build(fileobj=context, custom_context=True, tag=tag,
                                           dockerfile=".tightship.Dockerfile", rm=True,
                                           forcerm=True, pull=False)
        except BuildError as exc:
            tail = "".join(c.get("stream") or c.get("error") or "" for c in exc.build_log)
            raise EngineError(f"the image did not build: {exc.msg}\n{tail[-2000:]}") from None
        proofs.append(Proof("build", True, f"image {image.short_id} from the rendered "
                                           "Dockerfile"))
        mounts, volumes = _mounts(files["compose.yaml"], service, scratch, run_id, uid, gid,
                                  client)
        if probe is not None:
            mounts.update(probe.mounts)
        container = client.containers.run(image.id, detach=True, volumes=mounts, **settings)
        health = _wait_health(container, timeout)
        proofs.append(Proof("healthy", health == "healthy",
                            f"HEALTHCHECK reported {health}"))
        container.reload()
        pid = container.attrs["State"]["Pid"]
        if not pid:
            raise EngineError(f"the container stopped: {container.logs(tail=20).decode()}")
        status = _status(pid)
        uids = status["Uid"].split()
        proofs.append(Proof("non-root", all(int(u) == uid for u in uids),
                            f"Uid {' '.join(uids)} (expected {uid})"))
        proofs.append(Proof("no capabilities", int(status["CapEff"], 16) == 0
                            or bool(settings["cap_add"]),
                            f"CapEff {status['CapEff']}, CapPrm {status['CapPrm']}"))
        proofs.append(Proof("no-new-privileges", status.get("NoNewPrivs") == "1",
                            f"NoNewPrivs {status.get('NoNewPrivs')}"))
        proofs.append(Proof("seccomp filter", status.get("Seccomp") == "2",
                            f"Seccomp {status.get('Seccomp')} (2 = filter)"))
        proofs.append(Proof("read-only root", _root_read_only(pid),
                            "/ is mounted read-only"))
        proofs += _probe_proofs(container, probe, probe_note, settings["user"],
                                writable_paths(files["compose.yaml"], service))
        return proofs
    except (APIError, DockerException) as exc:
        raise EngineError(f"the engine refused: {exc}") from None
    finally:
        if container is not None:
            try:
                container.remove(force=True, v=True)
            except DockerException:
                pass
        for name in volumes:
            try:
                client.volumes.get(name).remove(force=True)
            except DockerException:
                pass
        try:
            client.images.remove(tag, force=True)
        except DockerException:
            pass
        shutil.rmtree(scratch, ignore_errors=True)


def _probe_proofs(container, probe, note: str, user: str, writable: list[str]) -> list[Proof]:
    """From inside, as the service's UID: each writable path takes a file; unshare is refused."""
    if probe is None:
        return [Proof("forbidden syscall", None, note),
                *(Proof(f"writable {path}", None, note) for path in writable)]
    proofs = []
    for path in writable:
        code, output = container.exec_run(probe.write(path), user=user)
        proofs.append(Proof(f"writable {path}", code == 0,
                            f"the service's UID wrote a file there ({note})" if code == 0 else
                            f"writing as {user} failed: {output.decode(errors='replace')[-200:]}"))
    code, output = container.exec_run(probe.unshare(), user=user)
    proofs.append(Proof("forbidden syscall", code == 0,
                        f"unshare(CLONE_NEWUSER) failed with EPERM ({note})" if code == 0
                        else f"unshare probe exited {code}: "
                             f"{output.decode(errors='replace')[-200:]}"))
    return proofs


def _wait_health(container, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        container.reload()
        state = container.attrs["State"]
        status = (state.get("Health") or {}).get("Status", "none")
        if status in ("healthy", "unhealthy") or state.get("Status") == "exited":
            return status if state.get("Status") != "exited" else "exited"
        if time.monotonic() > deadline:
            return f"{status} after {timeout:.0f}s"
        time.sleep(0.5)


def proofs_json(proofs: list[Proof]) -> str:
    return json.dumps([p.__dict__ for p in proofs], indent=2)
