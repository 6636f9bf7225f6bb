"""Deploy by digest: after a push, point the Kubernetes deployment at the pushed digest.

The digest is written into an overlay, k8s-deploy/kustomization.yaml (`kubectl apply -k
k8s-deploy`), whose `images:` entry replaces the manifests' tag with the digest (CKV_K8S_43).
render writes k8s/ and never this overlay, so the digest changing on each push is never drift.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import UserError
from generator.imageref import DIGEST_RE, parse_ref
from generator.render.spec import Spec
from generator.render.writer import atomic_write

OVERLAY = "k8s-deploy/kustomization.yaml"


def overlay_text(spec: Spec, pushed: str, digest: str) -> str:
    """The overlay for `pushed` (the image name it was pushed as, with or without its tag)."""
    if not DIGEST_RE.match(digest):
        raise UserError(f"'{digest}' is not a digest (sha256: and 64 hex digits)",
                        field="--digest")
    try:
        ref = parse_ref(pushed)
    except ValueError as exc:
        raise UserError(str(exc), field="--image") from None
    new_name = ref.written.rsplit(":", 1)[0] if ref.tag else ref.written
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


def write_overlay(spec: Spec, out_dir: Path, pushed: str, digest: str) -> Path:
    path = out_dir / OVERLAY
    atomic_write(path, overlay_text(spec, pushed, digest))
    return path
