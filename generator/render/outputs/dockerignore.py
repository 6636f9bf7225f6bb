"""The .dockerignore: deny by default, allow only the paths the Dockerfile copies (B09, B10)."""

from __future__ import annotations

from generator.render.spec import Spec
from generator.render.template_bounds import BoundedSandbox
from generator.render.templates import render_template
from generator.runtimes import RUNTIMES


def allowed_paths(spec: Spec) -> list[str]:
    paths = list(spec.dependencies) + list(spec.sources)
    if RUNTIMES[spec.runtime].artifact_from_context and spec.artifact:
        paths.append(spec.artifact)
    return sorted(dict.fromkeys(p.rstrip("/") for p in paths))


def render(spec: Spec, env: BoundedSandbox) -> dict[str, str]:
    text = render_template(env, "dockerignore.j2", dict(
        spec=spec, allowed=allowed_paths(spec),
        runtime_ignores=RUNTIMES[spec.runtime].context_ignores))
    return {".dockerignore": text}
