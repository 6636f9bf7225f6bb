"""Deploy by digest: after a push, point the Kubernetes and compose deployments at the digest.

The digest is written into an overlay, k8s-deploy/kustomization.yaml (`kubectl apply -k
k8s-deploy`), whose `images:` entry replaces the manifests' tag with the digest (CKV_K8S_43),
and into a compose override, compose.digest.yaml (`docker compose -f compose.yaml -f
compose.digest.yaml up`), whose `image:` replaces compose.yaml's tag (CL-0019). render writes
k8s/ and compose.yaml and never these two, so the digest changing on each push is never drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator import compose_digest
from generator.errors import UserError
from generator.imageref import DIGEST, parse_ref
from generator.render.spec import Spec
from generator.render.writer import atomic_write

OVERLAY = "k8s-deploy/kustomization.yaml"
COMPOSE_OVERRIDE = compose_digest.FILE


def pushed_name(pushed: str, digest: str) -> str:
    """The repository `pushed` (the name it was pushed as, with or without its tag) names."""
    if not re.match(DIGEST, digest):
        raise UserError(f"'{digest}' is not a digest (sha256: and 64 hex digits)",
                        field="--digest")
    try:
        ref = parse_ref(pushed)
    except ValueError as exc:
        raise UserError(str(exc), field="--image") from None
    return ref.written.rsplit(":", 1)[0] if ref.tag else ref.written


def overlay_text(spec: Spec, pushed: str, digest: str) -> str:
    """The overlay for `pushed` (the image name it was pushed as, with or without its tag)."""
    new_name = pushed_name(pushed, digest)
    # Every value is a checked image name or digest: no YAML syntax can come through them.
    return (f"# {spec.service}: the deployment by digest, written by `tightship deploy-digest`\n"
            "# after a push (render never writes this file). Apply: kubectl apply -k k8s-deploy\n"
            "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            "kind: Kustomization\n"
            "resources:\n"
            "  - ../k8s\n"
            "images:\n"
            f"  - name: {spec.run.image.repository}\n"
            f"    newName: {new_name}\n"
            f"    digest: {digest}\n")


def compose_override_text(spec: Spec, pushed: str, digest: str) -> str:
    """The compose override: the one service's image by digest, nothing else changed."""
    return compose_digest.override_text(spec.service, pushed_name(pushed, digest), digest)


def write_deployments(spec: Spec, out_dir: Path, pushed: str, digest: str) -> list[Path]:
    """Both files, each checked before either is written, each written whole (atomically)."""
    texts = {OVERLAY: overlay_text(spec, pushed, digest),
             COMPOSE_OVERRIDE: compose_override_text(spec, pushed, digest)}
    paths = []
    for name, text in texts.items():
        atomic_write(out_dir / name, text)
        paths.append(out_dir / name)
    return paths
