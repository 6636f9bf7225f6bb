"""k8s/: valid for the target Kubernetes version (kubernetes-validate, strict), clean under
checkov's kubernetes checks, and holding R01-R17 as data."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, tool
from yaml_support import read_yaml

from generator.render.outputs import kubernetes
from generator.render.pipeline import render_service

DIGEST = "sha256:" + "0123456789abcdef" * 4
PUSHED = ("run.image.repository=registry.example.com/team/{name}", f"run.image.digest={DIGEST}")
# Versions to validate against: the profile's default target, the oldest one with the
# appArmorProfile field, one before it (annotation form) and the newest the validator knows.
VERSIONS = ("1.35", "1.30", "1.29", kubernetes_validate.latest_version().rsplit(".", 1)[0]
            if kubernetes_validate.latest_version().count(".") == 2
            else kubernetes_validate.latest_version())


def render(name: str, *sets: str, profile: str = "default") -> dict[str, str]:
    return render_service(EXAMPLES / name / "tightship.yaml", profile, list(sets))


def manifests(files: dict[str, str]) -> dict[str, dict]:
    return {path.split("/", 1)[1]: read_yaml(text) for path, text in files.items()
            if path.startswith("k8s/")}


def pushed(name: str) -> tuple[str, ...]:
    return tuple(s.format(name=name) for s in PUSHED)


def write_k8s(folder: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        if relative.startswith("k8s/"):
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return folder / "k8s"


def deployment(files) -> dict:
    return manifests(files)["deployment.yaml"]


def pod_spec(files) -> dict:
    return deployment(files)["spec"]["template"]["spec"]


# --- kubernetes-validate -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def target_profile(tmp_path_factory):
    """`target_profile(VERSION)`: a profile extending default whose Kubernetes target is
    VERSION, one file per version for the module, so every example loads it from the cache."""
    folder = tmp_path_factory.mktemp("targets")

    def made(version: str) -> str:
        path = folder / f"k8s-{version}.yaml"
        if not path.exists():
            path.write_text(f"name: k8s-{version.replace('.', '-')}\nextends: default\n"
                            f"kubernetes:\n  version: '{version}'\n")
        return str(path)

    return made


@pytest.mark.parametrize("version", sorted(set(VERSIONS)))
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_manifests_are_valid_for_the_target_version(target_profile, name, version):
    profile_sets = ("run.replicas=3", "run.egress=[{cidr: 10.0.0.0/8, ports: [5432]}]")
    files = render(name, *profile_sets, *pushed(name), profile=target_profile(version))
    docs = manifests(files)
    assert {"namespace.yaml", "serviceaccount.yaml", "deployment.yaml", "service.yaml",
            "networkpolicy.yaml", "pdb.yaml", "kustomization.yaml"} == set(docs)
    for file, doc in docs.items():
        if file == "kustomization.yaml":
            continue  # not a cluster object: checked below
        kubernetes_validate.validate(doc, f"{version}.0", strict=True)


def test_validator_is_a_real_check():
    doc = deployment(render("go"))
    doc["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privilged"] = False
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, "1.35.0", strict=True)


def test_profile_version_chooses_the_apparmor_form(target_profile):
    files = render("python", profile=target_profile("1.29"))
    pod = deployment(files)["spec"]["template"]
    assert "appArmorProfile" not in pod["spec"]["securityContext"]
    (key, value), = pod["metadata"]["annotations"].items()
    assert key == "container.apparmor.security.beta.kubernetes.io/hello-python"
    new = deployment(render("python"))["spec"]["template"]
    field = new["spec"]["securityContext"]["appArmorProfile"]
    assert "annotations" not in new["metadata"]
    # the same profile either way: the annotation spells the field's choice the old way
    if field["type"] == "Localhost":
        assert value == f"localhost/{field['localhostProfile']}"
    else:
        assert field == {"type": "RuntimeDefault"} and value == "runtime/default"
    kubernetes_validate.validate(deployment(files), "1.29.0", strict=True)
    assert manifests(files)["namespace.yaml"]["metadata"]["labels"][
        "pod-security.kubernetes.io/enforce-version"] == "v1.29"


def test_kustomization_lists_every_file_and_nothing_else():
    for sets in ((), ("run.replicas=2",)):
        docs = manifests(render("python", *sets))
        listed = docs["kustomization.yaml"]["resources"]
        assert sorted(listed) == sorted(set(docs) - {"kustomization.yaml"})
        assert ("pdb.yaml" in listed) == bool(sets)
        assert listed[0] == "namespace.yaml"  # applied before what lives in it


def test_namespace_is_optional_through_the_profile(tmp_path):
    profile = tmp_path / "nons.yaml"
    profile.write_text("name: nons\nextends: default\nkubernetes:\n  create_namespace: false\n")
    docs = manifests(render("go", profile=str(profile)))
    assert "namespace.yaml" not in docs
    assert "namespace.yaml" not in docs["kustomization.yaml"]["resources"]
    assert docs["deployment.yaml"]["metadata"]["namespace"] == "hello-go"


# --- the hardening, as data -------------------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_hardening_is_in_the_manifests(name):
    files = render(name)
    docs = manifests(files)
    labels = docs["namespace.yaml"]["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):  # R17
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
    assert docs["serviceaccount.yaml"]["automountServiceAccountToken"] is False  # R16
    dep = docs["deployment.yaml"]
    assert dep["spec"]["revisionHistoryLimit"] == 3
    assert dep["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
    pod = dep["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == dep["metadata"]["name"]
    assert not (pod["hostNetwork"] or pod["hostPID"] or pod["hostIPC"])  # R09
    psc = pod["securityContext"]
    assert psc["runAsNonRoot"] is True and psc["runAsUser"] > 0  # R12
    seccomp = psc["seccompProfile"]  # R04: the generated profile (Localhost) or RuntimeDefault
    if seccomp["type"] == "Localhost":
        assert seccomp["localhostProfile"].endswith(".json")
        assert dep["metadata"]["annotations"]["checkov.io/skip1"].startswith("CKV_K8S_31=")
    else:
        assert seccomp == {"type": "RuntimeDefault"}
    assert psc["appArmorProfile"]["type"] in ("RuntimeDefault", "Localhost")  # R05
    (container,) = pod["containers"]
    sc = container["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False and sc["privileged"] is False  # R01, R03
    assert sc["readOnlyRootFilesystem"] is True  # R06
    assert sc["capabilities"] == {"drop": ["ALL"]}  # R02
    res = container["resources"]  # R07
    for kind in ("requests", "limits"):
        assert set(res[kind]) == {"cpu", "memory", "ephemeral-storage"}
    assert container["livenessProbe"] and container["readinessProbe"]  # R15
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert any(m["name"].startswith("writable-") for m in container["volumeMounts"])
    for mount in container["volumeMounts"]:
        if mount["name"].startswith("writable-"):
            assert volumes[mount["name"]]["emptyDir"]["sizeLimit"]
    policy = docs["networkpolicy.yaml"]["spec"]  # R14
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert policy["ingress"] == [{"ports": [{"port": 8080, "protocol": "TCP"}]}]
    (dns,) = policy["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert docs["service.yaml"]["spec"]["type"] == "ClusterIP"


def test_image_by_digest_when_the_answers_give_one():
    (container,) = pod_spec(render("go", *pushed("hello-go")))["containers"]
    assert container["image"] == f"registry.example.com/team/hello-go:1.0.0@{DIGEST}"
    (container,) = pod_spec(render("go"))["containers"]
    assert container["image"] == "hello-go:1.0.0"


def test_calls_api_mounts_the_token():
    files = render("go", "run.calls_api=true")
    assert manifests(files)["serviceaccount.yaml"]["automountServiceAccountToken"] is True
    assert pod_spec(files)["automountServiceAccountToken"] is True


def test_egress_and_no_ports():
    files = render("generic", "ports=[]", "healthcheck.command=[busybox, 'true']",
                   "run.egress=[{cidr: 10.20.0.0/16, ports: [443, 80]}, "
                   "{cidr: 'fd00::/8', ports: [53], protocol: UDP}]")
    docs = manifests(files)
    assert "service.yaml" not in docs
    policy = docs["networkpolicy.yaml"]["spec"]
    assert policy["ingress"] == []
    assert policy["egress"][1:] == [
        {"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}],
         "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "protocol": "TCP"}]},
        {"to": [{"ipBlock": {"cidr": "fd00::/8"}}], "ports": [{"port": 53, "protocol": "UDP"}]},
    ]
    assert "ports" not in pod_spec(files)["containers"][0]


def test_declared_capability_and_secret():
    files = render("python", "capabilities={NET_BIND_SERVICE: binds port 80}")
    pod = pod_spec(files)
    (container,) = pod["containers"]
    assert container["securityContext"]["capabilities"] == {
        "drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    assert re.search(r"- NET_BIND_SERVICE # R02: binds port 80", files["k8s/deployment.yaml"])
    secrets = next(v for v in pod["volumes"] if v["name"] == "secrets")["secret"]
    assert secrets == {"secretName": "hello-python-secrets", "defaultMode": 0o440,
                       "items": [{"key": "api_token", "path": "api_token"}]}
    assert {"name": "secrets", "mountPath": "/run/secrets", "readOnly": True} in \
        container["volumeMounts"]
    assert "env" not in container  # R13: never a value in the manifest


def test_slow_start_gets_a_startup_probe():
    java = pod_spec(render("java"))["containers"][0]
    assert "startupProbe" in java and "initialDelaySeconds" not in java["livenessProbe"]
    probe = java["startupProbe"]
    assert probe["periodSeconds"] * (probe["failureThreshold"] - 3) >= 10
    go = pod_spec(render("go", "healthcheck.start_period=2m"))["containers"][0]
    assert go["startupProbe"]["periodSeconds"] * go["startupProbe"]["failureThreshold"] >= 120
    fast = pod_spec(render("go"))["containers"][0]
    assert "startupProbe" not in fast and fast["livenessProbe"]["initialDelaySeconds"] == 10


K8S_COMMENTED = {
    "deployment.yaml": {"automountServiceAccountToken": "R16", "hostNetwork": "R09",
                        "hostPID": "R09", "hostIPC": "R09", "runAsNonRoot": "R12",
                        "seccompProfile": "R04", "appArmorProfile": "R05",
                        "allowPrivilegeEscalation": "R03", "privileged": "R01",
                        "readOnlyRootFilesystem": "R06", "drop": "R02", "requests": "R07",
                        "limits": "R07", "livenessProbe": "R15", "readinessProbe": "R15",
                        "sizeLimit": "R06", "serviceAccountName": "R16"},
    "serviceaccount.yaml": {"automountServiceAccountToken": "R16"},
    "networkpolicy.yaml": {"policyTypes": "R14", "ingress": "R14", "egress": "R14"},
    "namespace.yaml": {"pod-security.kubernetes.io/enforce": "R17",
                       "pod-security.kubernetes.io/audit": "R17",
                       "pod-security.kubernetes.io/warn": "R17"},
}


def test_each_hardening_setting_names_its_checklist_item():
    files = render("python")
    for file, keys in K8S_COMMENTED.items():
        lines = files[f"k8s/{file}"].splitlines()
        for key, item in keys.items():
            found = [line for line in lines if re.match(rf"^\s*(- )?{re.escape(key)}:", line)]
            assert found, (file, key)
            assert all(f"# {item}:" in line for line in found), (file, key, found)


def test_byte_identical_across_runs():
    for name in EXAMPLE_NAMES:
        assert render(name, *pushed(name)) == render(name, *pushed(name))


# --- checkov ---------------------------------------------------------------------------------

def checkov(folder: Path) -> dict:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
           "LOG_LEVEL": "ERROR"}
    proc = subprocess.run([tool("checkov"), "-d", str(folder), "--framework", "kubernetes",
                           "--output", "json", "--skip-download"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    (k8s,) = [r for r in reports if r.get("check_type") == "kubernetes"]
    return k8s


def failed(report: dict) -> list[tuple[str, str]]:
    return sorted((c["check_id"], c["file_path"]) for c in report["results"]["failed_checks"])


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_checkov_fails_nothing(tmp_path):
    """Every example, pushed by digest, with replicas, egress, a capability and the API."""
    variants = [(name, pushed(name)) for name in EXAMPLE_NAMES]
    variants.append(("python", (*pushed("hello-python"), "run.replicas=3",
                                "run.egress=[{cidr: 10.0.0.0/8, ports: [5432]}]")))
    for i, (name, sets) in enumerate(variants):
        write_k8s(tmp_path / f"{i}-{name}", render(name, *sets))
    report = checkov(tmp_path)
    assert report["summary"]["resource_count"] >= 6 * len(variants) - 1
    assert report["summary"]["parsing_errors"] == 0
    assert failed(report) == []
    assert report["summary"]["passed"] > 0


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_checkov_without_a_digest_asks_only_for_the_digest(tmp_path):
    """An image not yet pushed has no digest: the one finding is CKV_K8S_43 (image digest),
    and the manifest's comment says how to give it (run.image.digest)."""
    files = render("go")
    assert "# give run.image.digest to pull by digest" in files["k8s/deployment.yaml"]
    report = checkov(write_k8s(tmp_path, files))
    assert {check for check, _ in failed(report)} == {"CKV_K8S_43"}


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_localhost_seccomp_skips_ckv_k8s_31_with_its_reason(tmp_path, monkeypatch):
    """The Pod Security Standard restricted allows a Localhost seccomp profile; checkov's
    CKV_K8S_31 only accepts RuntimeDefault. With the generated Localhost profile, the
    Deployment carries a skip annotation with the reason, and checkov reports it as skipped."""
    monkeypatch.setattr(kubernetes, "seccomp_profile", lambda spec: {
        "type": "Localhost", "localhostProfile": f"tightship/{spec.service}.json"})
    files = render("go", *pushed("hello-go"))
    dep = deployment(files)
    assert dep["metadata"]["annotations"]["checkov.io/skip1"].startswith("CKV_K8S_31=")
    assert "restricted allows a Localhost" in dep["metadata"]["annotations"]["checkov.io/skip1"]
    kubernetes_validate.validate(dep, "1.35.0", strict=True)
    report = checkov(write_k8s(tmp_path, files))
    assert failed(report) == []
    skipped = {c["check_id"]: c for c in report["results"]["skipped_checks"]}
    assert "CKV_K8S_31" in skipped
    assert "Localhost" in skipped["CKV_K8S_31"]["check_result"]["suppress_comment"]


VOLUME = "volumes=[{name: data, path: /var/lib/app, size: 2Gi}]"


def test_persistent_volume_is_a_claim_and_the_pod_stops_before_it_starts(tmp_path):
    files = render("generic", VOLUME, *pushed("generic"))
    docs = manifests(files)
    claim = docs["pvc-data.yaml"]
    kubernetes_validate.validate(claim, "1.35.0", strict=True)
    kubernetes_validate.validate(docs["deployment.yaml"], "1.35.0", strict=True)
    assert claim["kind"] == "PersistentVolumeClaim"
    assert claim["spec"] == {"accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "2Gi"}}}
    assert "pvc-data.yaml" in docs["kustomization.yaml"]["resources"]
    dep = docs["deployment.yaml"]
    # an RWO claim cannot be attached to the new pod while the old one holds it
    assert dep["spec"]["strategy"] == {"type": "Recreate"}
    pod = dep["spec"]["template"]["spec"]
    assert {"name": "volume-data", "persistentVolumeClaim": {
        "claimName": claim["metadata"]["name"]}} in pod["volumes"]
    assert {"name": "volume-data", "mountPath": "/var/lib/app"} in \
        pod["containers"][0]["volumeMounts"]
    assert pod["securityContext"]["fsGroup"] == 10001  # the service's GID owns the claim
    assert pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    ro = pod_spec(render("generic", VOLUME.replace("2Gi}", "2Gi, read_only: true}")))
    assert {"name": "volume-data", "mountPath": "/var/lib/app", "readOnly": True} in \
        ro["containers"][0]["volumeMounts"]
    assert deployment(render("generic"))["spec"]["strategy"]["type"] == "RollingUpdate"


def test_low_port_lowers_the_namespaced_sysctl_not_a_capability():
    files = render("generic", "ports=[80]", "run.publish={80: 8080}")
    pod = pod_spec(files)
    assert pod["securityContext"]["sysctls"] == [
        {"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]
    assert "add" not in pod["containers"][0]["securityContext"]["capabilities"]
    kubernetes_validate.validate(deployment(files), "1.35.0", strict=True)
    assert "sysctls" not in pod_spec(render("generic"))["securityContext"]
