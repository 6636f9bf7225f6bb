"""The Dockerfile: a build stage per runtime (B06), then a minimal, non-root final stage.

What goes in each instruction is decided here and in the runtime's module (generator/runtimes/);
the template only lays it out. Every value from the answers reaches the file through
`exec_form` (JSON) or `quoted` (a double-quoted Dockerfile word), so none can start a new
instruction or shell command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.render.spec import Package, Spec
from generator.render.template_bounds import BoundedSandbox
from generator.render.templates import render_template
from generator.runtimes import RUNTIMES
from generator.runtimes.steps import Step, exec_form, quoted

# Paths the runtime provides writable already: never chown them.
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/run", "/dev/shm")
# The service's own folders (writable paths, volume mount points): its UID's, no one else's.
OWN_FOLDER_MODE = "0750"


@dataclass
class Stage:
    """One FROM stage of the Dockerfile and the steps it runs."""

    image: str
    name: str
    workdir: str
    setup: list[Step] = field(default_factory=list)  # RUN steps as root, before the app
    steps: list[Step] = field(default_factory=list)


def apt_install(packages: tuple[Package, ...]) -> Step:
    names = " ".join(str(p) for p in packages)
    why = "B04: update, install without recommends and drop the lists in one layer"
    ignore = ""
    if any(p.version is None for p in packages):
        # Versions are whatever the digest-pinned base image's release serves until the
        # profile pins them through package_pins (then the ignore disappears).
        why += (".\n# Unpinned packages follow the pinned base image's Debian release; "
                "pin them in the profile's package_pins")
        ignore = "DL3008"
    return Step(
        "RUN apt-get update \\\n"
        f"    && apt-get install -y --no-install-recommends {names} \\\n"
        "    && rm -rf /var/lib/apt/lists/*",
        why,
        ignore,
    )


def _build_stage(spec: Spec) -> Stage | None:
    if spec.build_image is None:
        return None
    runtime = RUNTIMES[spec.runtime]
    stage = Stage(spec.build_image.pinned_ref, "build", runtime.build_workdir or spec.workdir)
    if spec.build_packages:
        stage.setup.append(apt_install(spec.build_packages))
    stage.steps = _exec_form_apart(runtime.build_steps(spec, stage.workdir))
    return stage


def _exec_form_apart(steps: list[Step]) -> list[Step]:
    """An exec-form RUN cannot be joined to the RUN before it (there is no shell to chain
    them with), so hadolint's advice to consolidate them (DL3059) is knowingly set aside."""
    for before, step in zip(steps, steps[1:], strict=False):
        if (step.instruction.startswith("RUN ") and before.instruction.startswith("RUN ")
                and "RUN [" in (before.instruction[:5], step.instruction[:5])):
            step.lint_ignore = "DL3059"
            step.why = (step.why + ".\n# " if step.why else "") + (
                "exec form: no shell joins it to the RUN before")
    return steps


def _user_setup(spec: Spec) -> str | None:
    """B03: shell commands creating the fixed non-root user and its writable folders."""
    if not spec.user.create:
        return None
    u = spec.user
    parts = [f"groupadd --gid {u.gid} {u.name}",
             f"useradd --uid {u.uid} --gid {u.gid} --no-log-init --no-create-home "
             f"--home-dir /nonexistent --shell /usr/sbin/nologin {u.name}"]
    # Writable paths and volume mount points: a fresh named volume copies this owner.
    for path in [*spec.writable, *(v.path for v in spec.volumes)]:
        if path not in SHARED_WRITABLE:
            parts.append(f"install -d -o {u.uid} -g {u.gid} -m {OWN_FOLDER_MODE} {path}")
    return " \\\n    && ".join(parts)


def _final_stage(spec: Spec, build: Stage | None) -> Stage:
    stage = Stage(spec.run_image.pinned_ref, "final", spec.workdir)
    user = _user_setup(spec)
    if spec.run_packages:
        apt = apt_install(spec.run_packages)
        if user:  # one RUN: consecutive RUNs only add layers
            apt.instruction += " \\\n    && " + user
            apt.why += "\n# B03: a dedicated user with a fixed numeric UID/GID, no shell, no home"
        stage.setup.append(apt)
    elif user:
        stage.setup.append(Step("RUN " + user,
                                "B03: a dedicated user with a fixed numeric UID/GID, "
                                "no shell, no home"))
    stage.steps = RUNTIMES[spec.runtime].final_copies(spec, build.workdir if build else "")
    return stage


def health_argv(spec: Spec) -> list[str]:
    """The health probe, exec form: the one definition compose and Kubernetes also use (R15)."""
    h = spec.healthcheck
    if h.command:
        return list(h.command)
    probe = RUNTIMES[spec.runtime].http_probe
    assert probe is not None, "the Spec refuses an HTTP check without a client"
    return probe(f"http://127.0.0.1:{h.port}{h.http_path}")


def _healthcheck(spec: Spec) -> str:
    h = spec.healthcheck
    return (f"HEALTHCHECK --interval={h.interval} --timeout={h.timeout} "
            f"--start-period={h.start_period} --retries={h.retries} "
            f"CMD {exec_form(health_argv(spec))}")


def _labels(spec: Spec) -> tuple[list[str], bool]:
    given = dict(spec.labels)
    labels = [
        ("org.opencontainers.image.title", spec.service),
        ("org.opencontainers.image.base.name", spec.run_image.ref.written),
        ("org.opencontainers.image.base.digest", spec.run_image.digest),
    ]
    for key in ("source", "version", "description"):
        if key in given:
            labels.append((f"org.opencontainers.image.{key}", given[key]))
    needs_arg = "revision" not in given
    labels.append(("org.opencontainers.image.revision",
                   given.get("revision", "${VCS_REF}")))
    lines = []
    for key, value in labels:
        text = quoted(value) if value != "${VCS_REF}" else '"${VCS_REF}"'
        lines.append(f"{key}={text}")
    return lines, needs_arg


def context(spec: Spec) -> dict[str, Any]:
    build = _build_stage(spec)
    final = _final_stage(spec, build)
    labels, revision_arg = _labels(spec)
    env = list(RUNTIMES[spec.runtime].env) + list(spec.env)
    return {
        "spec": spec,
        "build": build,
        "final": final,
        "env": [f"{k}={quoted(v) if k != 'PATH' else v}" for k, v in env],
        "labels": labels,
        "revision_arg": revision_arg,
        "user": f"{spec.user.uid}:{spec.user.gid}",
        "ports": list(spec.ports),
        "healthcheck": _healthcheck(spec),
        "cmd": f"CMD {exec_form(spec.command)}",
    }


def render(spec: Spec, env: BoundedSandbox) -> dict[str, str]:
    return {"Dockerfile": render_template(env, "dockerfile/Dockerfile.j2", context(spec))}
