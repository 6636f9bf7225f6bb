"""On the engine, with real verifiers: the generated gate's H03 step verifies a cosign-key
signature by digest with cosign, and with skopeo where cosign is not installed; it passes for
the signed digest and fails for an unsigned image and for a signature by another key.

A copy of the local python base image is signed with a throw-away key (cosign sign, no
transparency log); cosign and skopeo come from the tools image (Debian 13's packages).
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import engine_support
import pytest
from cli_support import copy_example, run_cli
from registry_support import delete_repository
from ruamel.yaml import YAML
from tools_image import require_tools_image, run_tools

pytestmark = pytest.mark.engine

REGISTRY = engine_support.REGISTRY
BASE_KEY = "python-3.13"
KEY_INSIDE = "/keys/cosign.pub"
# The test registry speaks plain HTTP; cosign knows a loopback registry's, skopeo is told.
INSECURE_REGISTRY = f'[[registry]]\nlocation = "{REGISTRY}"\ninsecure = true\n'
# Every tool but cosign, so the step falls back to skopeo.
WITHOUT_COSIGN = ('mkdir /tmp/bin && for f in /usr/bin/*; do [ "${f##*/}" = cosign ] || '
                  'ln -s "$f" /tmp/bin/; done && PATH=/tmp/bin exec sh h03.sh')
DID_NOT_VERIFY = "the signature did not verify (cosign-key)"


def h03_step(gate: str) -> str:
    """The gate's prelude (set -eu, its functions) and its H03 block, nothing it builds."""
    prelude = gate[:gate.index("# C01/C04:")]
    step = gate[gate.index("# H03:"):gate.index("# B13:")]
    return prelude + step


def _profile(engine_profile: Path, ref: str, digest: str, out: Path) -> Path:
    yaml = YAML()
    doc = yaml.load(engine_profile.read_text())
    doc["name"] = "engine-signed"
    entry = doc["images"][BASE_KEY]
    entry["ref"] = ref
    entry["digest"] = digest
    entry["signature"] = {"method": "cosign-key", "key_file": KEY_INSIDE,
                          "transparency_log": False}
    text = io.StringIO()
    yaml.dump(doc, text)
    out.write_text(text.getvalue())
    return out


def _render(tmp_path: Path, engine_profile: Path, name: str, ref: str, digest: str) -> Path:
    folder = copy_example("python", tmp_path / name)
    profile = _profile(engine_profile, ref, digest, tmp_path / f"{name}.yaml")
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(profile))
    assert result.code == 0, result.err
    gate = (folder / "ci" / "tightship-gate.sh").read_text()
    assert f"{ref}@{digest}" in gate
    (folder / "h03.sh").write_text(h03_step(gate))
    return folder


def _tools_ok(result, what: str) -> None:
    assert result.returncode == 0, f"{what}: {result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def signed(engine, registry_images, engine_profile, tmp_path_factory):
    """(folder rendered for the signed copy, for the unsigned copy, the signer's and another
    key's public key file, the registry config skopeo needs)."""
    require_tools_image(engine)
    tmp_path = tmp_path_factory.mktemp("signatures")
    base = engine_support.PROFILE_IMAGES[BASE_KEY][0]
    digest = registry_images[base]
    suffix = uuid.uuid4().hex[:8]
    repositories = {kind: f"{engine_support.TEST_TAG_PREFIX}supply-{kind}-{suffix}/python"
                    for kind in ("signed", "unsigned")}
    keys = {}
    for owner in ("signer", "other"):
        folder = tmp_path / owner
        folder.mkdir()
        _tools_ok(run_tools(folder, "cosign", "generate-key-pair",
                            env={"COSIGN_PASSWORD": ""}), "cosign generate-key-pair")
        keys[owner] = folder
    try:
        folders = {}
        for kind, repository in repositories.items():
            ref = f"{REGISTRY}/{repository}:3.13-slim-trixie"
            _tools_ok(run_tools(tmp_path, "cosign", "copy", f"{base}@{digest}", ref,
                                network="host"), "cosign copy")
            folders[kind] = _render(tmp_path, engine_profile, kind, ref, digest)
        _tools_ok(run_tools(keys["signer"], "cosign", "sign", "--yes", "--key", "cosign.key",
                            "--tlog-upload=false", f"{REGISTRY}/{repositories['signed']}@{digest}",
                            network="host", env={"COSIGN_PASSWORD": ""}), "cosign sign")
        conf = tmp_path / "insecure.conf"
        conf.write_text(INSECURE_REGISTRY)
        yield folders, keys["signer"] / "cosign.pub", keys["other"] / "cosign.pub", conf
    finally:
        for repository in repositories.values():
            delete_repository(repository)


def _verify(folder: Path, key: Path, conf: Path, *, cosign: bool):
    command = ("sh", "h03.sh") if cosign else ("sh", "-c", WITHOUT_COSIGN)
    return run_tools(folder, *command, network="host", mounts={
        key: KEY_INSIDE, conf: "/etc/containers/registries.conf.d/50-test-registry.conf"})


@pytest.mark.parametrize("cosign", [True, False], ids=["cosign", "skopeo"])
def test_the_signed_digest_verifies(signed, cosign):
    folders, signer, _, conf = signed
    result = _verify(folders["signed"], signer, conf, cosign=cosign)
    assert result.returncode == 0, result.stderr
    # cosign says what it checked; skopeo, standing in, says nothing
    checked = "The signatures were verified against the specified public key" in result.stderr
    assert checked == cosign, result.stderr


@pytest.mark.parametrize("cosign", [True, False], ids=["cosign", "skopeo"])
def test_an_unsigned_image_fails_the_gate(signed, cosign):
    folders, signer, _, conf = signed
    result = _verify(folders["unsigned"], signer, conf, cosign=cosign)
    assert result.returncode == 1, result.stderr
    assert DID_NOT_VERIFY in result.stderr


@pytest.mark.parametrize("cosign", [True, False], ids=["cosign", "skopeo"])
def test_a_signature_by_another_key_fails_the_gate(signed, cosign):
    folders, _, other, conf = signed
    result = _verify(folders["signed"], other, conf, cosign=cosign)
    assert result.returncode == 1, result.stderr
    assert DID_NOT_VERIFY in result.stderr
