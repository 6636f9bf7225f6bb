"""ci/tightship-gate.sh: the pipeline gate for one service (C01-C04, B13, H03).

A POSIX shell script from a template. The profile's scanner and SBOM commands are exec-form
lists; each word is shell-quoted here, and `{image}` becomes the quoted `"$image"` variable,
so nothing in a profile can add a shell command.
"""

from __future__ import annotations

import shlex

from jinja2 import Environment

from generator.render.spec import Spec
from generator.render.templates import render_template

FILE = "ci/tightship-gate.sh"
IMAGE_PLACEHOLDER = "{image}"


def shell_word(word: str) -> str:
    """One argv word for sh, with each `{image}` standing for the built image's name."""
    pieces = word.split(IMAGE_PLACEHOLDER)
    quoted = ['"$image"'.join(shlex.quote(p) if p else "" for p in pieces)]
    return quoted[0] if quoted[0] else "''"


def shell_command(argv: tuple[str, ...] | None) -> str | None:
    return " ".join(shell_word(word) for word in argv) if argv else None


def render(spec: Spec, env: Environment) -> dict[str, str]:
    ci = spec.ci
    image = f"{spec.service}:{spec.run.image.tag}"
    text = render_template(env, "ci/tightship-gate.sh.j2", dict(
        spec=spec, image=image, content_trust=ci.content_trust,
        scan=shell_command(ci.scan), sbom=shell_command(ci.sbom),
        sbom_file=shlex.quote(ci.sbom_file)))
    return {FILE: text}
