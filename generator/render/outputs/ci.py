"""ci/tightship-gate.sh: the pipeline gate for one service (C01-C04, B13, H03).

A POSIX shell script from a template. The profile's scanner and SBOM commands are exec-form
lists; each word is shell-quoted here, and `{image}` becomes the quoted `"$image"` variable,
so nothing in a profile can add a shell command. The base images it verifies are the ones the
service's Dockerfile names, so the two cannot disagree.
"""

from __future__ import annotations

import shlex

from generator.render.outputs import dockerfile
from generator.render.outputs.ci_verify import (
    SKOPEO_VERIFY,
    images_built_on,
    needs_skopeo_helper,
    verify_lines,
)
from generator.render.spec import Spec
from generator.render.template_bounds import BoundedSandbox
from generator.render.templates import render_template

FILE = "ci/tightship-gate.sh"
DIGEST_FILE = "ci/image-digest"  # the pushed image's digest, for deploy-digest
METADATA_FILE = "ci/build-metadata.json"  # buildx --metadata-file
IMAGE_PLACEHOLDER = "{image}"


def shell_word(word: str) -> str:
    """One argv word for sh, with each `{image}` standing for the built image's name."""
    pieces = word.split(IMAGE_PLACEHOLDER)
    quoted = ['"$image"'.join(shlex.quote(p) if p else "" for p in pieces)]
    return quoted[0] if quoted[0] else "''"


def shell_command(argv: tuple[str, ...] | None) -> str | None:
    return " ".join(shell_word(word) for word in argv) if argv else None


def attestation_flags(spec: Spec) -> str:
    ci = spec.ci
    return f"--sbom={'true' if ci.sbom_attestation else 'false'} --provenance={ci.provenance}"


def render(spec: Spec, env: BoundedSandbox) -> dict[str, str]:
    ci = spec.ci
    image = f"{spec.service}:{spec.run.image.tag}"
    built_on = images_built_on(dockerfile.render(spec, env)["Dockerfile"], ci.images)
    text = render_template(env, "ci/tightship-gate.sh.j2", dict(
        spec=spec, image=image, verify=[verify_lines(i) for i in built_on],
        skopeo_verify=SKOPEO_VERIFY if needs_skopeo_helper(built_on) else None,
        attestations=attestation_flags(spec), without_buildx=ci.without_buildx,
        push="true" if ci.push else "false", digest_file=DIGEST_FILE,
        metadata_file=METADATA_FILE,
        scan=shell_command(ci.scan), sbom=shell_command(ci.sbom),
        sbom_file=shlex.quote(ci.sbom_file)))
    return {FILE: text}
