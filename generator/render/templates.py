"""The jinja2 environment the text outputs (Dockerfile, .dockerignore, AppArmor, CI gate)
render in, and the one way they render a template.

A profile's `templates:` folder may come from a fork or a copy, so every template, built-in
or not, runs in a bounded sandbox (template_bounds.py): it can neither reach Python's internals
nor run for long or make a huge file. Every template mistake is bad input (exit 2) named by
the template file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.exceptions import TemplateNotFound, TemplateSyntaxError

from generator.errors import UserError
from generator.messages import clip
from generator.render.profiles import Profile
from generator.render.shipped_templates import ShippedLoader
from generator.render.template_bounds import MAX_OUTPUT, BoundedSandbox, TemplateLimit
from generator.resources import data_dir


def template_env(profile: Profile) -> BoundedSandbox:
    """jinja2, sandboxed and strict about undefined names; an org's templates override files."""
    loaders: list[BaseLoader] = [ShippedLoader(str(data_dir("templates")))]
    if profile.templates_dir is not None:
        loaders.insert(0, FileSystemLoader(str(profile.templates_dir)))
    return BoundedSandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # plain-text formats; values are quoted by the output modules
    )


def render_template(env: BoundedSandbox, name: str, context: dict[str, Any]) -> str:
    """Render one template, streamed: it stops past the size bound or the time bound."""
    filename = name
    try:
        template = env.get_template(name)
        filename = template.filename or name
        chunks: list[str] = []
        size = 0
        with env.deadline.running():
            stream = template.generate(context)
            for chunk in stream:
                size += len(chunk)
                if size > MAX_OUTPUT:  # thrown in, so the error names the template's line
                    # generate() is a generator (jinja2 types it as an Iterator)
                    stream.throw(TemplateLimit(  # type: ignore[attr-defined]
                        f"the output passed {MAX_OUTPUT:,} characters"))
                chunks.append(chunk)
        return "".join(chunks)
    except TemplateSyntaxError as exc:
        raise UserError(f"template syntax error: {clip(exc.message or str(exc))}",
                        file=exc.filename or filename, line=exc.lineno) from None
    except TemplateNotFound as exc:
        if exc.name == name:
            raise UserError(f"template {name} not found in the profile's templates or the "
                            "built-in ones") from None
        where, line = _template_frame(exc, filename)
        raise UserError(f"template includes {clip(str(exc.name))}, which does not exist",
                        file=where, line=line) from None
    except TemplateLimit as exc:
        where, line = _template_frame(exc, filename)
        raise UserError(f"template refused: {exc}", file=where, line=line) from None
    except TemplateError as exc:  # undefined names, sandbox violations, bad filters
        where, line = _template_frame(exc, filename)
        raise UserError(f"template error: {clip(str(exc))}", file=where, line=line) from None
    except (ArithmeticError, ValueError, TypeError, LookupError, RecursionError,
            MemoryError) as exc:  # a template computing something Python refuses
        where, line = _template_frame(exc, filename)
        raise UserError(f"template error: {type(exc).__name__}: {clip(str(exc))}",
                        file=where, line=line) from None


def _template_frame(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in the traceback (jinja2 rewrites frames so
    that they name the template, not the compiled code)."""
    import traceback  # only a template error needs it

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and Path(frame.filename).suffix == ".j2":
            return frame.filename, frame.lineno
    return fallback, None
