"""The jinja2 environment the text outputs (Dockerfile, .dockerignore, AppArmor) render in."""

from __future__ import annotations

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from generator.render.profiles import Profile
from generator.resources import data_dir


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
