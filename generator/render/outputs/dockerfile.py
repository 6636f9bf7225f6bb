"""The Dockerfile: a build stage per runtime (B06), then a minimal, non-root final stage.

What goes in each instruction is decided here, in Python; the template only lays it out.
Every value from the answers reaches the file through `exec_form` (JSON) or `quoted` (a
double-quoted Dockerfile word), so none can start a new instruction or shell command.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from jinja2 import Environment

from generator.render.spec import Package, Spec
from generator.render.templates import render_template

VENV = "/opt/venv"
# Paths the runtime provides writable already: never chown them.
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/run", "/dev/shm")
# The service's own folders (writable paths, volume mount points): its UID's, no one else's.
OWN_FOLDER_MODE = "0750"


@dataclass
class Step:
    instruction: str
    why: str = ""  # the comment above it: the checklist item it serves
    lint_ignore: str = ""  # a hadolint rule this line knowingly departs from (why says why)


@dataclass
class Stage:
    image: str
    name: str
    workdir: str
    setup: list[Step] = field(default_factory=list)  # RUN steps as root, before the app
    steps: list[Step] = field(default_factory=list)


def exec_form(argv: tuple[str, ...] | list[str]) -> str:
    """JSON exec form: no shell parses it, and JSON escaping keeps it on one line."""
    return json.dumps(list(argv), ensure_ascii=True)


def quoted(value: str) -> str:
    """A double-quoted Dockerfile word: backslash, quote and `$` escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


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


def context_path(path: str) -> str:
    """A build-context path as a command word: one starting with `-` gets `./` in front, so
    that neither COPY nor a tool (`pip -r`) ever reads it as an option (`--link`, `--chown`)."""
    return f"./{path}" if path.startswith("-") else path


def copy_in(path: str, *, from_stage: str | None = None, src_root: str = "",
            dest: str | None = None, chown: bool = False) -> str:
    """COPY one context path (or a path from another stage) to the same place under WORKDIR."""
    target = dest or f"./{path}"
    source = posixpath.join(src_root, path) if from_stage else context_path(path)
    flags = f"--from={from_stage} " if from_stage else ""
    flags += "--chown=0:0 " if chown else ""
    return f"COPY {flags}{source} {target}"


def _secret_mounts(spec: Spec) -> str:
    return "".join(f"--mount=type=secret,id={s} " for s in spec.build_secrets)


def _build_stage(spec: Spec) -> Stage | None:
    if spec.build_image is None:
        return None
    workdir = "/src" if spec.runtime in ("go", "java") else spec.workdir
    stage = Stage(spec.build_image.pinned_ref, "build", workdir)
    if spec.build_packages:
        stage.setup.append(apt_install(spec.build_packages))
    deps = list(spec.dependencies)
    sources = list(spec.sources)
    steps = stage.steps
    mounts = _secret_mounts(spec)
    secret_note = (" (B09: build secrets are mounted for this step only, never stored)"
                   if mounts else "")

    if spec.runtime == "python":
        requirements = [d for d in deps if d.endswith(".txt")]
        pyproject = [d for d in deps if d.endswith("pyproject.toml")]
        for dep in deps:
            steps.append(Step(copy_in(dep), "dependency manifests first, so their layer is cached"))
        if requirements:
            installs = " ".join(f"-r {context_path(r)}" for r in requirements)
            steps.append(Step(f"RUN {mounts}python3 -m venv {VENV} \\\n"
                              f"    && {VENV}/bin/pip install --no-cache-dir {installs}",
                              "B06: dependencies go into a virtualenv that alone is copied on"
                              + secret_note))
        for src in sources:
            steps.append(Step(copy_in(src)))
        if pyproject:
            steps.append(Step(f"RUN {mounts}python3 -m venv {VENV} \\\n"
                              f"    && {VENV}/bin/pip install --no-cache-dir .",
                              "B06: the project is installed into the virtualenv" + secret_note))
    elif spec.runtime == "node":
        for dep in deps:
            steps.append(Step(copy_in(dep), "dependency manifests first, so their layer is cached"))
        if deps:
            steps.append(Step(f"RUN {mounts}npm ci --omit=dev --no-audit --no-fund \\\n"
                              "    && mkdir -p node_modules",
                              "B06: production dependencies only, exactly as locked"
                              + secret_note))
        for src in sources:
            steps.append(Step(copy_in(src)))
    elif spec.runtime == "go":
        for dep in deps:
            steps.append(Step(copy_in(dep), "module files first, so the download layer is cached"))
        if deps:
            steps.append(Step(f"RUN {mounts}go mod download", secret_note.strip(" ()")))
        for src in sources:
            steps.append(Step(copy_in(src)))
        if spec.build_command:
            steps.append(Step(f"RUN {mounts}{exec_form(spec.build_command)}".replace(
                "RUN --", "RUN --", 1)))
        else:
            steps.append(Step(
                f"RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/{spec.service} .",
                "a static binary: the final image needs no libc, shell or toolchain"))
    elif spec.runtime == "java":
        for dep in deps:
            steps.append(Step(copy_in(dep), "build files first, so their layer is cached"))
        for src in sources:
            steps.append(Step(copy_in(src)))
        steps.append(Step(f"RUN {mounts}{exec_form(spec.build_command or ())}",
                          "B06: the JDK and build tool stay in this stage" + secret_note))
    return stage


def _final_copies(spec: Spec, build: Stage | None) -> list[Step]:
    own = "B03: root owns the files; the service can read and run them, not rewrite them"
    b10 = "B10: only what runs: no sources of the build, no VCS data"
    steps: list[Step] = []
    if spec.runtime == "python":
        steps.append(Step(copy_in("", from_stage="build", src_root=VENV, dest=VENV, chown=True)
                          .replace(f"{VENV}/ ", f"{VENV} ", 1), f"{b10}.\n# {own}"))
        for src in spec.sources:
            steps.append(Step(copy_in(src, from_stage="build", src_root=build.workdir,
                                      chown=True)))
    elif spec.runtime == "node":
        if spec.dependencies:
            steps.append(Step(copy_in("node_modules", from_stage="build",
                                      src_root=build.workdir, chown=True), f"{b10}.\n# {own}"))
            pkg = [d for d in spec.dependencies if d.endswith("package.json")]
            for dep in pkg:
                steps.append(Step(copy_in(dep, from_stage="build", src_root=build.workdir,
                                          chown=True)))
        for i, src in enumerate(spec.sources):
            steps.append(Step(copy_in(src, from_stage="build", src_root=build.workdir,
                                      chown=True), "" if spec.dependencies or i else
                              f"{b10}.\n# {own}"))
    elif spec.runtime in ("go", "java"):
        built = (posixpath.join(build.workdir, spec.artifact) if spec.artifact
                 else f"/out/{spec.service}")
        steps.append(Step(f"COPY --from=build --chown=0:0 {built} {spec.artifact_name}",
                          f"{b10}: the built artifact alone.\n# {own}"))
    elif spec.runtime == "static":
        steps.append(Step(f"COPY --chown=0:0 {context_path(spec.artifact)} "
                          f"{spec.artifact_name}",
                          f"{b10}: the binary alone.\n# {own}"))
    elif spec.runtime == "generic":
        for i, src in enumerate(spec.sources):
            steps.append(Step(copy_in(src, chown=True), "" if i else f"{b10}.\n# {own}"))
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
    stage.steps = _final_copies(spec, build)
    return stage


def _runtime_env(spec: Spec) -> list[tuple[str, str]]:
    if spec.runtime == "python":
        return [("PATH", f"{VENV}/bin:$PATH"), ("PYTHONDONTWRITEBYTECODE", "1"),
                ("PYTHONUNBUFFERED", "1")]
    if spec.runtime == "node":
        return [("NODE_ENV", "production")]
    return []


def health_argv(spec: Spec) -> list[str]:
    """The health probe, exec form: the one definition compose and Kubernetes also use (R15)."""
    h = spec.healthcheck
    if h.command:
        return list(h.command)
    url = f"http://127.0.0.1:{h.port}{h.http_path}"
    # The URL is passed as an argument, never pasted into the probe's code.
    if spec.runtime == "python":
        return ["python3", "-c", "import sys, urllib.request; "
                "urllib.request.urlopen(sys.argv[1], timeout=5)", url]
    return ["node", "-e", "require('http').get(process.argv[1], (r) => "
            "process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => "
            "process.exit(1)).setTimeout(5000, () => process.exit(1))", url]


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


def context(spec: Spec) -> dict:
    build = _build_stage(spec)
    final = _final_stage(spec, build)
    labels, revision_arg = _labels(spec)
    env = _runtime_env(spec) + list(spec.env)
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


def render(spec: Spec, env: Environment) -> dict[str, str]:
    return {"Dockerfile": render_template(env, "dockerfile/Dockerfile.j2", context(spec))}
