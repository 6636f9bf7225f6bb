"""Spec → {relative path: text}, in memory. Nothing here touches the output folder."""

from __future__ import annotations

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from generator.outputs import (apparmor, ci, compose, dockerfile, dockerignore, kubernetes,
                               seccomp)
from generator.profiles import Profile
from generator.resources import data_dir
from generator.spec import Spec

# Each output kind is one module with render(spec, env) -> {path: text}.
OUTPUTS = (dockerfile, dockerignore, compose, kubernetes, seccomp, apparmor, ci)

def template_env(profile: Profile) -> Environment:
    """jinja2, strict about undefined names; an org's templates override single files."""
    folders = [str(data_dir("templates"))]
    if profile.templates_dir is not None:
        folders.insert(0, str(profile.templates_dir))
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(f) for f in folders]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # plain-text formats; values are quoted by the output modules
    )

def render_all(spec: Spec, profile: Profile, env: Environment | None = None) -> dict[str, str]:
    env = env or template_env(profile)
    files: dict[str, str] = {}
    for output in OUTPUTS:
        files.update(output.render(spec, env))
    return files
