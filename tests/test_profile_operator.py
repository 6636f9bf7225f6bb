"""The Security Profiles Operator output: SeccompProfile and AppArmorProfile objects with the
generated profiles' content, listed in the kustomization, and the pod naming the operator's
copies. Their structure is judged by the CRDs' schema (tests/profile_operator_schema.py)."""

from __future__ import annotations

import json

import jsonschema
import kubernetes_validate
import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES
from profile_operator_schema import APPARMOR_PROFILE, SECCOMP_PROFILE
from yaml_support import read_yaml

from generator.render.pipeline import render_service


@pytest.fixture
def operator_profile(tmp_path) -> str:
    path = tmp_path / "spo.yaml"
    path.write_text("name: spo\nextends: default\nkubernetes:\n  security_profiles_operator: true\n")
    return str(path)


def load(text: str) -> dict:
    return read_yaml(text)


@pytest.mark.parametrize("name", EXAMPLE_NAMES + ("django-uploads", "express-pnpm"))
def test_objects_hold_the_generated_profiles(operator_profile, name):
    files = render_service(EXAMPLES / name / "tightship.yaml", operator_profile, [])
    seccomp_obj = load(files["k8s/seccompprofile.yaml"])
    apparmor_obj = load(files["k8s/apparmorprofile.yaml"])
    jsonschema.validate(seccomp_obj, SECCOMP_PROFILE)
    jsonschema.validate(apparmor_obj, APPARMOR_PROFILE)

    # the same rules as seccomp.json, in the operator's spelling
    plain = json.loads(files["seccomp.json"])
    spec = seccomp_obj["spec"]
    assert spec["defaultAction"] == plain["defaultAction"] == "SCMP_ACT_ERRNO"
    assert spec["architectures"] == [a["architecture"] for a in plain["archMap"]]
    assert len(spec["syscalls"]) == len(plain["syscalls"])
    for mine, theirs in zip(spec["syscalls"], plain["syscalls"], strict=True):
        assert mine["names"] == theirs["names"] and mine["action"] == theirs["action"]
        assert mine.get("args", []) == theirs.get("args", [])
        assert mine.get("errnoRet") == (str(theirs["errnoRet"]) if "errnoRet" in theirs
                                        else None)

    # the AppArmor allow lists are the generated profile's
    text = files[f"apparmor/{apparmor_obj['metadata']['name']}"]
    abstract = apparmor_obj["spec"]["abstract"]
    assert abstract["executable"]["allowedExecutables"]
    for path in abstract["executable"]["allowedExecutables"]:
        assert f"  {path} ix," in text
    for path in abstract["filesystem"].get("readWritePaths", []):
        assert f"  {path} rw" in text
    assert abstract["network"]["allowRaw"] is False and "deny network raw," in text
    assert abstract["network"]["allowedProtocols"]["allowTcp"] == ("network inet stream," in text)
    assert abstract["capability"]["allowedCapabilities"] == []
    assert apparmor_obj["spec"]["complainMode"] is False

    # the pod names the operator's copies, and the kustomization applies them first
    deployment = load(files["k8s/deployment.yaml"])
    pod = deployment["spec"]["template"]["spec"]["securityContext"]
    namespace = seccomp_obj["metadata"]["namespace"]
    assert pod["seccompProfile"] == {
        "type": "Localhost",
        "localhostProfile": f"operator/{namespace}/{seccomp_obj['metadata']['name']}.json"}
    assert pod["appArmorProfile"] == {"type": "Localhost",
                                      "localhostProfile": apparmor_obj["metadata"]["name"]}
    resources = load(files["k8s/kustomization.yaml"])["resources"]
    assert resources.index("seccompprofile.yaml") < resources.index("deployment.yaml")
    assert resources.index("apparmorprofile.yaml") < resources.index("deployment.yaml")
    kubernetes_validate.validate(deployment, "1.35.0", strict=True)


def test_off_by_default():
    files = render_service(EXAMPLES / "go" / "tightship.yaml", "default", [])
    assert not any(p.endswith(("seccompprofile.yaml", "apparmorprofile.yaml")) for p in files)
    pod = load(files["k8s/deployment.yaml"])["spec"]["template"]["spec"]["securityContext"]
    assert pod["seccompProfile"]["localhostProfile"] == "tightship/hello-go.json"


@pytest.mark.parametrize(("where", "change"), [
    (("spec",), lambda s: s.update(defaultErrnoRet=1)),
    (("spec", "syscalls", 0), lambda s: s.update(action="ALLOW")),
    (("spec", "syscalls", 0), lambda s: s.pop("names")),
    (("metadata",), lambda m: m.pop("namespace")),
])
def test_the_schema_is_a_real_check(operator_profile, where, change):
    doc = load(render_service(EXAMPLES / "go" / "tightship.yaml", operator_profile, [])[
        "k8s/seccompprofile.yaml"])
    node = doc
    for key in where:
        node = node[key]
    change(node)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SECCOMP_PROFILE)
