"""The realistic services' Kubernetes manifests: a worker with a spool and a secret, a web app
with uploads on a persistent volume and a secret key file, a service on port 80 and Debian's
nginx. Each passes kubernetes-validate --strict, checkov and the Pod Security Standard
restricted; the volume is a claim owned through fsGroup, port 80 a safe sysctl."""

from __future__ import annotations

import kubernetes_validate
import pytest
from cli_support import EXAMPLES
from test_kubernetes import checkov, failed, manifests, pushed, write_k8s
from test_pod_security import violations

from generator.render.pipeline import render_service

# example -> answers on top of its own file: what it needs to keep its data and read its secret
SERVICES = {
    "spool-worker": ("writable=[/tmp]", "volumes=[{name: spool, path: /var/spool/worker}]",
                     "env={SPOOL_DIR: /var/spool/worker, HEARTBEAT_FILE: /tmp/worker-heartbeat,"
                     " DB_PASSWORD_FILE: /run/secrets/db_password}"),
    "django-uploads": ("writable=[/tmp]",
                       "volumes=[{name: uploads, path: /data/uploads, size: 5Gi}]",
                       "env={UPLOAD_DIR: /data/uploads, "
                       "DJANGO_SECRET_KEY_FILE: /run/secrets/django_secret_key}"),
    "express-pnpm": (),
    "nginx-static": ("syscalls.allow={}",),  # the static groups cover Debian's nginx
}


def files_of(name: str) -> dict[str, str]:
    return render_service(EXAMPLES / name / "tightship.yaml", "default",
                          [*SERVICES[name], *pushed(name)])


@pytest.mark.parametrize("name", list(SERVICES))
def test_manifests_are_strictly_valid_and_restricted(name):
    docs = manifests(files_of(name))
    for file, doc in docs.items():
        if file != "kustomization.yaml":
            kubernetes_validate.validate(doc, "1.35.0", strict=True)
    dep = docs["deployment.yaml"]
    assert violations(dep) == []
    pod = dep["spec"]["template"]["spec"]
    claims = [v for v in pod.get("volumes", []) if "persistentVolumeClaim" in v]
    assert bool(claims) == any(s.startswith("volumes=") for s in SERVICES[name])
    if claims:
        assert dep["spec"]["strategy"] == {"type": "Recreate"}
        assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsGroup"]
        assert {f"pvc-{c['name'].removeprefix('volume-')}.yaml" for c in claims} <= set(docs)
    if name == "express-pnpm":  # port 80 without NET_BIND_SERVICE
        assert pod["securityContext"]["sysctls"] == [
            {"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]
        assert "add" not in pod["containers"][0]["securityContext"]["capabilities"]


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_checkov_passes_the_services(tmp_path):
    for name in SERVICES:
        write_k8s(tmp_path / name, files_of(name))
    report = checkov(tmp_path)
    assert report["summary"]["parsing_errors"] == 0
    assert failed(report) == []
    assert report["summary"]["passed"] > 0
