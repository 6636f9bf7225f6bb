"""The gate's signature step (H03), attestations and deploy by digest, run with stub verifier
and docker executables on PATH that record their argv: the right command per method, fail
closed (a failed or missing verifier stops the gate before any build), hostile profile values
reach the verifier as plain words.

The gate's first two steps (`tightship render --check`, `tightship check`) are the real
commands in one test here and in tests/test_ci_gate.py; elsewhere a stub takes their place
(they come before any signature step and cost two cold starts each), and passes
`deploy-digest` on to the real tightship."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import copy_example, run_cli

from generator.render.profiles import load_profile

GATE = "ci/tightship-gate.sh"
HOSTILE = "x'; touch /tmp/owned-gate #$(id)`id`"
STUB = """#!/bin/sh
printf '%s\\n' "$@" >> "$STUB_LOG/$(basename "$0").argv"
exit "${STUB_EXIT:-0}"
"""
TIGHTSHIP_STUB = """#!/bin/sh
printf '%s\\n' "$@" >> "$STUB_LOG/tightship.argv"
if [ "$1" = deploy-digest ]; then exec "$REAL_TIGHTSHIP" "$@"; fi
"""
# docker: `buildx version` answers as STUB_BUILDX says; a buildx build writes its metadata
# file and an `image inspect` prints a repo digest, both STUB_DIGEST, as a registry would.
DOCKER_STUB = """#!/bin/sh
printf '%s\\n' "$@" >> "$STUB_LOG/docker.argv"
if [ "$1" = buildx ] && [ "$2" = version ]; then exit "${STUB_BUILDX:-1}"; fi
while [ $# -gt 0 ]; do
    if [ "$1" = --metadata-file ] && [ -n "${STUB_DIGEST:-}" ]; then
        printf '{\\n  "containerimage.digest": "%s"\\n}\\n' "$STUB_DIGEST" > "$2"
    fi
    if [ "$1" = inspect ] && [ -n "${STUB_DIGEST:-}" ]; then
        echo "127.0.0.1:5000/gate/hello@$STUB_DIGEST"
    fi
    shift
done
"""


def _profile(tmp_path: Path, signature: str, ci: str = "") -> Path:
    base = load_profile("default").images["python-3.13"]
    path = tmp_path / "signed.yaml"
    path.write_text(
        "name: signed\nextends: default\nimages:\n  python-3.13:\n"
        f"    ref: {base.ref.written}\n    digest: {base.digest}\n    pinned: '{base.pinned}'\n"
        f"    shell: true\n    packages: apt\n    signature: {signature}\n" + ci)
    return path


def _stubs(tmp_path: Path, names: tuple[str, ...]) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for name in names:
        stub = folder / name
        stub.write_text({"docker": DOCKER_STUB, "tightship": TIGHTSHIP_STUB}.get(name, STUB))
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    return folder


def _gate(tmp_path: Path, signature: str, stubs=("cosign", "notation", "docker"),
          ci: str = "", real_tightship: bool = False, **env: str):
    service = copy_example("python", tmp_path)
    profile = _profile(tmp_path, signature, ci)
    result = run_cli("render", "--profile", str(profile), "--force", cwd=service)
    assert result.code == 0, result.err
    log = tmp_path / "log"
    log.mkdir()
    # only the stubs, the venv's tightship and the shell's own tools: no real docker or cosign
    system = tmp_path / "system"
    system.mkdir()
    for tool in ("sh", "sed", "head", "git", "mktemp", "printf", "basename", "cat", "rm",
                 "base64", "tr"):
        if shutil.which(tool):
            (system / tool).symlink_to(shutil.which(tool))
    venv = Path(sys.executable).parent
    stubs = stubs if real_tightship else (*stubs, "tightship")
    path = f"{_stubs(tmp_path, stubs)}:{venv}:{system}"
    # the session's cache folder (conftest.py): each tightship the gate starts reuses the
    # syscall groups, profiles and validations the tests already paid for
    cache = {"TIGHTSHIP_CACHE_DIR": os.environ["TIGHTSHIP_CACHE_DIR"]}
    proc = subprocess.run(["sh", GATE], cwd=service, capture_output=True, text=True,
                          timeout=300, env={"PATH": path, "STUB_LOG": str(log),
                                            "TIGHTSHIP_PROFILE": str(profile),
                                            "REAL_TIGHTSHIP": str(venv / "tightship"),
                                            "HOME": str(tmp_path), **cache, **env})
    return proc, log, service


def argv(log: Path, name: str) -> list[str] | None:
    file = log / f"{name}.argv"
    return file.read_text().splitlines() if file.exists() else None


def _ref() -> str:
    return load_profile("default").images["python-3.13"].pinned_ref


def test_cosign_key_file_verifies_by_digest_then_builds(tmp_path):
    proc, log, _ = _gate(tmp_path, f'{{method: cosign-key, key_file: "{HOSTILE}"}}')
    assert proc.returncode == 0, proc.stderr
    assert argv(log, "cosign") == ["verify", "--key", HOSTILE, _ref()]
    assert argv(log, "docker")[:3] == ["buildx", "version", "build"]  # no buildx: plain build
    assert "docker buildx is not installed" in proc.stderr
    assert not Path("/tmp/owned-gate").exists()
    profile = str(tmp_path / "signed.yaml")  # drift, then policy, both before the signature
    assert argv(log, "tightship") == [
        "render", "--answers", "tightship.yaml", "--profile", profile, "--check", "--diff",
        "check", "--profile", profile, "--format", "sarif", "--output", "tightship.sarif", "."]


def test_cosign_public_key_is_written_as_pem(tmp_path):
    body = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + "A" * 40 + "=="
    proc, log, _ = _gate(tmp_path, f"{{method: cosign-key, public_key: '{body}'}}")
    assert proc.returncode == 0, proc.stderr
    words = argv(log, "cosign")
    assert words[:2] == ["verify", "--key"] and words[3] == _ref()


def test_without_a_transparency_log_cosign_skips_only_the_log(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: cosign-key, key_file: cosign.pub, "
                                   "transparency_log: false}", stubs=("cosign", "skopeo", "docker"))
    assert proc.returncode == 0, proc.stderr
    assert argv(log, "cosign") == ["verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true",
                                   _ref()]
    assert argv(log, "skopeo") is None  # cosign, when present, is the verifier


def test_without_cosign_skopeo_verifies_by_repository_and_digest(tmp_path):
    key = tmp_path / "cosign.pub"
    key.write_text("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
    proc, log, _ = _gate(tmp_path, f"{{method: cosign-key, key_file: '{key}', "
                                   "transparency_log: false}", stubs=("skopeo", "docker"))
    assert proc.returncode == 0, proc.stderr
    image = load_profile("default").images["python-3.13"]
    words = argv(log, "skopeo")
    assert words[0] == "--policy" and words[-3:-1] == [
        "--quiet", f"docker://{image.ref.full_name}@{image.digest}"]
    assert argv(log, "docker") is not None  # verified, then built


def test_without_cosign_or_skopeo_the_gate_fails_closed(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: cosign-key, key_file: cosign.pub, "
                                   "transparency_log: false}", stubs=("docker",))
    assert proc.returncode == 1
    assert f"neither cosign nor skopeo is installed, so the signature of {_ref()}" in proc.stderr
    assert argv(log, "docker") is None


def test_cosign_keyless_names_identity_and_issuer(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: cosign-keyless, identity_regexp: "
                                   f"'{HOSTILE.replace(chr(39), chr(39) * 2)}', "
                                   "issuer: 'https://token.actions.githubusercontent.com'}")
    assert proc.returncode == 0, proc.stderr
    assert argv(log, "cosign") == [
        "verify", "--certificate-identity-regexp", HOSTILE,
        "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", _ref()]


def test_notation_verifies_by_digest(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: notation, trust_policy: org-images}")
    assert proc.returncode == 0, proc.stderr
    assert argv(log, "notation") == ["verify", _ref()]
    assert "notation trust policy org-images" in proc.stderr


def test_failed_verification_stops_before_the_build(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: cosign-key, key_file: cosign.pub}", STUB_EXIT="1")
    assert proc.returncode == 1
    assert "the signature did not verify (cosign-key)" in proc.stderr
    assert argv(log, "cosign") is not None and argv(log, "docker") is None  # nothing built


def test_missing_verifier_fails_closed(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: cosign-key, key_file: cosign.pub}",
                         stubs=("docker",))
    assert proc.returncode == 1
    assert f"cosign is not installed, so the signature of {_ref()} cannot be verified" \
        in proc.stderr
    assert argv(log, "docker") is None


def test_signature_none_says_so_and_builds(tmp_path):
    proc, log, service = _gate(tmp_path, "{method: none, reason: mirrored and scanned in-house}",
                               real_tightship=True)
    assert proc.returncode == 0, proc.stderr
    assert (service / "tightship.sarif").exists()  # the real check ran, and passed
    assert "signature not verified, by the profile: mirrored and scanned in-house" in proc.stderr
    assert argv(log, "cosign") is None


def test_buildx_builds_with_attestations_and_deploys_the_pushed_digest(tmp_path):
    digest = "sha256:" + "b" * 64
    proc, log, service = _gate(
        tmp_path, "{method: none, reason: mirrored and scanned in-house}", STUB_BUILDX="0",
        TIGHTSHIP_PUSH="true", IMAGE="127.0.0.1:5000/gate/hello:1", STUB_DIGEST=digest)
    assert proc.returncode == 0, proc.stderr
    words = argv(log, "docker")
    assert words[:3] == ["buildx", "version", "buildx"]  # asked, then built with buildx
    assert "--sbom=true" in words and "--provenance=mode=max" in words and "--push" in words
    assert (service / "ci" / "image-digest").read_text() == digest + "\n"
    overlay = (service / "k8s-deploy" / "kustomization.yaml").read_text()
    assert "newName: 127.0.0.1:5000/gate/hello\n" in overlay and f"digest: {digest}" in overlay


def test_without_buildx_fail_builds_nothing(tmp_path):
    proc, log, _ = _gate(tmp_path, "{method: none, reason: mirrored and scanned in-house}",
                         ci="ci: {attestations: {without_buildx: fail}}\n")
    assert proc.returncode == 1
    assert "docker buildx is not installed" in proc.stderr
    assert argv(log, "docker") == ["buildx", "version"]


def test_plain_build_pushes_and_records_the_digest(tmp_path):
    digest = "sha256:" + "d" * 64
    proc, log, service = _gate(tmp_path, "{method: none, reason: mirrored and scanned in-house}",
                               TIGHTSHIP_PUSH="true", IMAGE="127.0.0.1:5000/gate/hello:1",
                               STUB_DIGEST=digest)
    assert proc.returncode == 0, proc.stderr
    assert "built without SBOM or provenance attestations" in proc.stderr
    words = argv(log, "docker")
    assert "push" in words and words[words.index("push") + 1] == "127.0.0.1:5000/gate/hello:1"
    assert (service / "ci" / "image-digest").read_text() == digest + "\n"


def test_no_digest_from_the_registry_fails(tmp_path):
    proc, _, service = _gate(tmp_path, "{method: none, reason: mirrored and scanned in-house}",
                             TIGHTSHIP_PUSH="true", IMAGE="127.0.0.1:5000/gate/hello:1")
    assert proc.returncode == 1 and "the registry gave no digest" in proc.stderr
    assert not (service / "k8s-deploy").exists()


@pytest.mark.parametrize("signature, field, message", [
    ("{method: cosign-keyless, identity: a}", "images.python-3.13.signature.issuer",
     "is required for method cosign-keyless"),
    ("{method: cosign-key}", "images.python-3.13.signature",
     "takes exactly one of: public_key, key_file"),
    ("{method: none, reason: because it is, key_file: k}", "images.python-3.13.signature.key_file",
     "'key_file' does not apply to method none"),
    ("{method: cosign-key, public_key: 'abc; rm -rf /'}",
     "images.python-3.13.signature.public_key", "is not valid"),
    ("{method: sigstore}", "images.python-3.13.signature.method", "is not one of"),
    ("{method: notation, trust_policy: p, transparency_log: false}",
     "images.python-3.13.signature.transparency_log",
     "'transparency_log' does not apply to method notation"),
])
def test_bad_signature_is_one_line_exit_2(tmp_path, signature, field, message):
    service = copy_example("python", tmp_path)
    profile = _profile(tmp_path, signature)
    result = run_cli("render", "--profile", str(profile), "--force", cwd=service)
    assert result.code == 2
    line = result.err.strip()
    assert "\n" not in line and f"{profile}:" in line and field in line and message in line
    assert not (service / "Dockerfile").exists()


def test_content_trust_in_a_profile_is_refused(tmp_path):
    service = copy_example("python", tmp_path)
    profile = tmp_path / "dct.yaml"
    profile.write_text("name: dct\nextends: default\nci:\n  content_trust: true\n")
    result = run_cli("render", "--profile", str(profile), "--force", cwd=service)
    assert result.code == 2
    assert f"{profile}:4: ci.content_trust: Docker Content Trust is retired" in result.err


def test_default_gate_writes_no_content_trust(tmp_path):
    service = copy_example("python", tmp_path)
    assert run_cli("render", "--force", cwd=service).code == 0
    assert "DOCKER_CONTENT_TRUST" not in (service / GATE).read_text()
    assert run_cli("check", str(service / GATE)).code == 0


def _deployed(tmp_path: Path, digest: str) -> tuple[Path, str]:
    """The python example rendered, deploy-digest run on it, and its kustomization built."""
    service = copy_example("python", tmp_path)
    assert run_cli("render", "--force", cwd=service).code == 0
    result = run_cli("deploy-digest", "--image", "127.0.0.1:5000/gate/hello:1",
                     "--digest", digest, cwd=service)
    assert result.code == 0, result.err
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is not installed (it builds the kustomization)"
    built = subprocess.run([kubectl, "kustomize", str(service / "k8s-deploy")],
                           capture_output=True, text=True, check=True).stdout
    return service, built


def test_deploy_digest_writes_the_overlay_without_drift(tmp_path):
    digest = "sha256:" + "c" * 64
    service, built = _deployed(tmp_path, digest)
    assert run_cli("render", "--check", cwd=service).code == 0  # the overlay is not drift
    override = (service / "compose.digest.yaml").read_text()
    assert f"  hello-python:\n    image: 127.0.0.1:5000/gate/hello@{digest}\n" in override
    assert run_cli("check", str(service)).code == 0  # an override, not a bare service
    assert f"image: 127.0.0.1:5000/gate/hello@{digest}" in built


@pytest.mark.slow  # checkov: about 5 s of CPU to start
def test_checkov_finds_the_deployed_image_pinned_by_digest(tmp_path):
    _, built = _deployed(tmp_path, "sha256:" + "c" * 64)
    manifest = tmp_path / "built.yaml"
    manifest.write_text(built)
    checkov = subprocess.run(
        [str(Path(sys.executable).parent / "checkov"), "-f", str(manifest), "--framework",
         "kubernetes", "--check", "CKV_K8S_43", "--compact", "--quiet", "-o", "json"],
        capture_output=True, text=True, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    assert checkov.returncode == 0, checkov.stdout[-2000:]
    assert '"passed": 1' in checkov.stdout.replace(" ", "").replace('"passed":1', '"passed": 1')


def test_deploy_digest_refuses_a_bad_digest(tmp_path):
    service = copy_example("python", tmp_path)
    result = run_cli("deploy-digest", "--image", "x:1", "--digest", "sha256:1\nimages: []",
                     cwd=service)
    assert result.code == 2 and "--digest" in result.err
    assert not (service / "k8s-deploy").exists()
    assert not (service / "compose.digest.yaml").exists()


def test_a_compose_file_shaped_otherwise_is_judged(tmp_path):
    service = copy_example("python", tmp_path)
    assert run_cli("render", "--force", cwd=service).code == 0
    digest = "sha256:" + "c" * 64
    assert run_cli("deploy-digest", "--image", "gate/hello:1", "--digest", digest,
                   cwd=service).code == 0
    override = service / "compose.digest.yaml"
    override.write_text(override.read_text() + "    privileged: true\n")
    result = run_cli("check", str(service))
    assert result.code == 1 and "compose.digest.yaml" in result.out
