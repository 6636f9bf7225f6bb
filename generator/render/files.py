"""Spec → {relative path: text}, in memory. Nothing here touches the output folder."""

from __future__ import annotations

from jinja2 import Environment

from generator.render.outputs import (
    apparmor,
    ci,
    compose,
    dockerfile,
    dockerignore,
    kubernetes,
    quadlet,
    seccomp,
)
from generator.render.profiles import Profile
from generator.render.spec import Spec
from generator.render.templates import template_env

# Each output kind is one module with render(spec, env) -> {path: text}.
OUTPUTS = (dockerfile, dockerignore, compose, kubernetes, quadlet, seccomp, apparmor, ci)


def render_all(spec: Spec, profile: Profile, env: Environment | None = None) -> dict[str, str]:
    env = env or template_env(profile)
    files: dict[str, str] = {}
    for output in OUTPUTS:
        files.update(output.render(spec, env))
    return files
