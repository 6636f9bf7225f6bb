"""Dockerfile words every runtime's build and copy steps are made of.

Every value from the answers reaches the file through `exec_form` (JSON) or `quoted` (a
double-quoted Dockerfile word), so none can start a new instruction or shell command.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

OWN = "B03: root owns the files; the service can read and run them, not rewrite them"
ONLY_WHAT_RUNS = "B10: only what runs: no sources of the build, no VCS data"
MANIFESTS_FIRST = "dependency manifests first, so their layer is cached"


@dataclass
class Step:
    """One Dockerfile instruction and the comment that says why."""

    instruction: str
    why: str = ""  # the comment above it: the checklist item it serves
    lint_ignore: str = ""  # a hadolint rule this line knowingly departs from (why says why)


def exec_form(argv: tuple[str, ...] | list[str]) -> str:
    """JSON exec form: no shell parses it, and JSON escaping keeps it on one line."""
    return json.dumps(list(argv), ensure_ascii=True)


def quoted(value: str) -> str:
    """A double-quoted Dockerfile word: backslash, quote and `$` escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


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


def secret_mounts(spec: Any) -> str:
    return "".join(f"--mount=type=secret,id={s} " for s in spec.build_secrets)


def secret_note(spec: Any) -> str:
    return (" (B09: build secrets are mounted for this step only, never stored)"
            if spec.build_secrets else "")



def extra_steps(spec: Any) -> list[Step]:
    """build.steps, each its own exec-form RUN (no shell parses them)."""
    return [Step(f"RUN {exec_form(argv)}", "" if i else "build.steps, exec form")
            for i, argv in enumerate(spec.extra_build_steps)]


def copy_built_artifact(spec: Any, build_workdir: str) -> list[Step]:
    """The built artifact alone, from where the build wrote it."""
    built = (posixpath.join(build_workdir, spec.artifact) if spec.artifact
             else f"/out/{spec.service}")
    return [Step(f"COPY --from=build --chown=0:0 {built} {spec.artifact_name}",
                 f"{ONLY_WHAT_RUNS}: the built artifact alone.\n# {OWN}")]
