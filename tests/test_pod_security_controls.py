"""Pod Security Standards as of Kubernetes 1.35: hostile manifests for the controls TS-R17.2
reads are each reported at their line, and the generated manifests meet every one."""

from __future__ import annotations

import json

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, run_cli

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
{pod}
  containers:
    - name: app
      image: app:1
{container}
"""

HOSTILE = {
    "probe-host": ("", "      livenessProbe:\n        httpGet:\n          host: 169.254.169.254\n"
                       "          path: /\n          port: 80\n", "livenessProbe.httpGet.host", 14),
    "tcp-probe-host": ("", "      readinessProbe:\n        tcpSocket:\n          host: db\n"
                           "          port: 5432\n", "readinessProbe.tcpSocket.host", 14),
    "hook-host": ("", "      lifecycle:\n        preStop:\n          httpGet:\n"
                      "            host: 10.0.0.1\n            port: 80\n",
                  "lifecycle.preStop.httpGet.host", 15),
    "proc-unmasked": ("", "      securityContext:\n        procMount: Unmasked\n",
                      "procMount Unmasked", 13),
    "sysctl": ("    sysctls:\n      - name: kernel.msgmax\n        value: '65536'\n", "",
               "sysctl kernel.msgmax", 9),
    "host-process": ("", "      securityContext:\n        windowsOptions:\n"
                         "          hostProcess: true\n", "Windows host process", 13),
    "selinux-type": ("    seLinuxOptions:\n      type: spc_t\n", "", "SELinux type spc_t", 9),
    "selinux-user": ("", "      securityContext:\n        seLinuxOptions:\n          user: root\n",
                     "seLinuxOptions.user", 14),
    "volume-type": ("  volumes:\n    - name: repo\n      gitRepo:\n        repository: x\n", "",
                    "gitRepo volume", 15),
}


def findings(tmp_path, text: str) -> list[dict]:
    path = tmp_path / "pod.yaml"
    path.write_text(text)
    result = run_cli("check", "--format", "json", str(path))
    report = json.loads(result.out)
    assert report["files_checked"] == 1, result.err  # no findings means the file was read
    return [f for f in report["findings"] if f["rule"] == "TS-R17.2"]


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_manifest_is_reported_at_its_line(tmp_path, case):
    pod, container, words, line = HOSTILE[case]
    if pod.startswith("  volumes"):
        text = POD.format(pod="", container=container.rstrip("\n")) + pod
    else:
        text = POD.format(pod=pod.rstrip("\n"), container=container.rstrip("\n"))
    (hit,) = findings(tmp_path, text)
    assert words in hit["message"]
    assert hit["line"] == line, text


def test_allowed_values_pass(tmp_path):
    text = POD.format(
        pod="    sysctls:\n      - name: net.ipv4.ip_unprivileged_port_start\n"
            "        value: '80'\n    seLinuxOptions:\n      type: container_t",
        container="      securityContext:\n        procMount: Default\n"
                  "      livenessProbe:\n        httpGet:\n          host: ''\n"
                  "          path: /\n          port: 80") + \
        "  volumes:\n    - name: data\n      persistentVolumeClaim:\n        claimName: d\n"
    assert findings(tmp_path, text) == []


def test_the_exit_code_says_it(tmp_path):
    pod, container, _, _ = HOSTILE["probe-host"]
    path = tmp_path / "pod.yaml"
    path.write_text(POD.format(pod=pod, container=container.rstrip("\n")))
    result = run_cli("check", "--fail-on", "high", str(path))
    assert result.code == 1 and "TS-R17.2" in result.out


@pytest.mark.parametrize("name", EXAMPLE_NAMES + ("express-pnpm",))
def test_generated_manifests_meet_the_controls(tmp_path, name):
    out = tmp_path / "out"
    result = run_cli("render", "--answers", str(EXAMPLES / name / "tightship.yaml"),
                     "--out", str(out), "--set", "run.user_namespaces=true")
    assert result.code == 0, result.err
    checked = run_cli("check", "--format", "json", str(out / "k8s"))
    rules = {f["rule"] for f in json.loads(checked.out)["findings"]}
    assert "TS-R17.2" not in rules and "TS-R17" not in rules
