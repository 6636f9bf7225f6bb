"""Cases the field's linters agree on, where `check` used to differ: each test asserts the
finding a user sees (rule and line), or that there is none."""

from __future__ import annotations

import json

import pytest
from check_support import findings
from cli_support import run_cli

D = "sha256:" + "b" * 64
FROM = f"FROM debian:12-slim@{D}\n"


def lines(name: str, text: str, rule: str) -> list[int]:
    return sorted(f.line for f in findings(name, text, rule=rule))


# ------------------------------------------------------------------ Kubernetes: what is read

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent"},
       "spec": {"hostPID": True, "containers": [{"name": "agent", "image": "agent:1.0"}]}}


def test_a_json_manifest_in_a_folder_is_checked(tmp_path):
    (tmp_path / "pod.json").write_text(json.dumps(POD, indent=2) + "\n")
    result = run_cli("check", "--format", "json", str(tmp_path))
    rules = {f["rule"] for f in json.loads(result.out)["findings"]}
    assert result.code == 1
    assert "TS-R09" in rules


def test_a_json_manifest_points_at_its_line():
    text = json.dumps(POD, indent=2) + "\n"
    expected = text.splitlines().index('    "hostPID": true,') + 1
    assert lines("k8s/pod.json", text, "TS-R09") == [expected]


def test_a_broken_json_manifest_is_a_parse_finding():
    (hit,) = findings("k8s/pod.json", '{"apiVersion": "v1", "kind": "Pod",\n  "spec": }\n',
                      rule="TS-P01")
    assert hit.line == 2


CUSTOM = {
    "argo-rollout": "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n"
                    "spec:\n  strategy:\n    canary: {}\n  template:\n    spec:\n"
                    "      containers:\n        - name: web\n          image: web:1.0\n"
                    "          securityContext:\n            privileged: true\n",
    "knative-service": "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n"
                       "  name: web\nspec:\n  template:\n    spec:\n      containers:\n"
                       "        - image: web:1.0\n          securityContext:\n"
                       "            privileged: true\n",
    "openshift-deploymentconfig": "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\n"
                                  "metadata:\n  name: web\nspec:\n  template:\n    spec:\n"
                                  "      containers:\n        - name: web\n"
                                  "          image: web:1.0\n          securityContext:\n"
                                  "            privileged: true\n",
    "operator-crd": "apiVersion: example.com/v1\nkind: Worker\nmetadata:\n  name: w\nspec:\n"
                    "  workers:\n    - replicas: 2\n      podTemplate:\n        spec:\n"
                    "          containers:\n            - name: w\n              image: w:1.0\n"
                    "              securityContext:\n                privileged: true\n",
}


@pytest.mark.parametrize("kind", sorted(CUSTOM))
def test_custom_resources_are_checked_where_their_pod_template_is(kind):
    text = CUSTOM[kind]
    expected = text.splitlines().index(next(line for line in text.splitlines()
                                            if "privileged: true" in line)) + 1
    assert lines("k8s/w.yaml", text, "TS-R01") == [expected]


def test_a_job_inside_a_cronjob_and_a_typed_list_are_checked():
    cron = ("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
            "  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
            "          hostNetwork: true\n          containers:\n            - name: c\n"
            "              image: c:1.0\n")
    assert lines("k8s/c.yaml", cron, "TS-R09") == [11]
    typed = ("apiVersion: v1\nkind: PodList\nitems:\n  - apiVersion: v1\n    kind: Pod\n"
             "    metadata: {name: p}\n    spec:\n      hostIPC: true\n      containers:\n"
             "        - {name: p, image: p:1.0}\n")
    assert lines("k8s/list.yaml", typed, "TS-R09") == [8]


def test_a_workload_whose_spec_is_a_list_is_reported_not_passed():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
            "  - template:\n      spec:\n        containers: [{name: web, image: web:1.0}]\n")
    (hit,) = findings("k8s/web.yaml", text, rule="TS-P01")
    assert "spec is a list" in hit.message and "not checked" in hit.message


def test_a_kustomize_patch_without_a_template_is_no_parse_finding():
    patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"
    assert findings("k8s/patch.yaml", patch, rule="TS-P01") == []


# ------------------------------------------------------------------ Kubernetes: the rules

def pod(spec: str = "", container: str = "") -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" + spec +
            "  containers:\n    - name: p\n      image: p:1.0\n" + container)


@pytest.mark.parametrize("security", [
    "  securityContext:\n    runAsNonRoot: true\n",
    "  securityContext:\n    runAsUser: 10001\n",
    "  securityContext:\n    runAsNonRoot: false\n    runAsUser: 20000\n",
])
def test_r12_a_pod_that_cannot_run_as_root_passes(security):
    assert lines("k8s/p.yaml", pod(security), "TS-R12") == []


@pytest.mark.parametrize("security,line", [
    ("", 7), ("  securityContext:\n    runAsUser: 0\n", 7),
    ("  securityContext:\n    runAsNonRoot: false\n", 7)])
def test_r12_a_pod_that_may_run_as_root_fails(security, line):
    assert lines("k8s/p.yaml", pod(security), "TS-R12") == [line]


def test_r12_2_a_low_or_root_group_is_reported():
    text = pod("  securityContext:\n    runAsUser: 20000\n    runAsGroup: 0\n")
    assert lines("k8s/p.yaml", text, "TS-R12.2") == [8]
    compose = "services:\n  app:\n    image: app:1\n    user: \"10001:0\"\n"
    assert lines("compose.yaml", compose, "TS-R12.2") == [4]


SA = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n"


@pytest.mark.parametrize("spec,account,expected", [
    ("  automountServiceAccountToken: true\n  serviceAccountName: api\n", "", [6]),
    ("  automountServiceAccountToken: true\n  serviceAccountName: api\n",
     "automountServiceAccountToken: false\n", [6]),
    ("  serviceAccountName: api\n", "automountServiceAccountToken: true\n", [6]),
    ("  serviceAccountName: api\n", "automountServiceAccountToken: false\n", []),
    ("  automountServiceAccountToken: false\n  serviceAccountName: api\n",
     "automountServiceAccountToken: true\n", []),
])
def test_r16_the_token_is_reported_whenever_it_is_mounted(spec, account, expected):
    assert lines("k8s/p.yaml", pod(spec) + SA + account, "TS-R16") == expected


def env(name: str, value: str) -> str:
    return f"      env:\n        - name: {name}\n          value: {value}\n"


@pytest.mark.parametrize("name,value", [
    ("AWS_ACCESS_KEY_ID", "AKIAABCDEFGHIJKLMNOP"), ("AZURE_BATCH_KEY", "x8Hq"),
    ("OCI_CLI_KEY_CONTENT", "x8Hq"),
    ("SIGNER", '"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEE\\n-----END EC PRIVATE KEY-----"'),
])
def test_r13_well_known_credentials_and_private_keys_are_literal_secrets(name, value):
    assert lines("k8s/p.yaml", pod(container=env(name, value)), "TS-R13") == [11]


def test_r13_the_path_of_a_secret_file_is_not_a_secret():
    text = pod(container=env("DATABASE_PASSWORD", "/run/secrets/db/password"))
    assert lines("k8s/p.yaml", text, "TS-R13") == []
    compose = ("services:\n  app:\n    image: app:1\n    environment:\n"
               "      DATABASE_PASSWORD: /run/secrets/db_password\n")
    assert lines("compose.yaml", compose, "TS-R13") == []


def test_r13_a_configmap_holding_a_secret_is_reported():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
            "  LOG_LEVEL: info\n  smtp_password: hunter22\n")
    assert lines("k8s/c.yaml", text, "TS-R13") == [7]


def test_r11_usr_share_is_not_the_hosts_usr():
    def mount(path):
        return pod(f"  volumes:\n    - name: h\n      hostPath: {{path: {path}}}\n")
    assert lines("k8s/p.yaml", mount("/usr/share/zoneinfo"), "TS-R11") == []
    assert lines("k8s/p.yaml", mount("/usr/bin"), "TS-R11") == [8]
    assert lines("k8s/p.yaml", mount("/usr"), "TS-R11") == [8]


# ------------------------------------------------------------------ Dockerfiles

@pytest.mark.parametrize("run", [
    'RUN grep -- "--allow-untrusted" /etc/apk/repositories',
    'RUN echo "--nogpgcheck" > /tmp/note',
    "RUN curl -fsSL https://example.com/a -o /a",
    'RUN printf "%s\\n" "--trusted-host is not used here"',
])
def test_b05_a_flag_that_is_only_text_is_no_finding(run):
    assert lines("Dockerfile", FROM + run + "\n", "TS-B05") == []


@pytest.mark.parametrize("text", [
    "RUN GIT_SSL_NO_VERIFY=1 git clone https://example.com/r.git\n",
    "RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci\n",
    "RUN PYTHONHTTPSVERIFY=0 python3 fetch.py\n",
    "RUN export GIT_SSL_NO_VERIFY=true && git clone https://example.com/r.git\n",
    "ENV GIT_SSL_NO_VERIFY=0\n",
    "RUN dnf install -y --setopt=sslverify=false curl\n",
    "RUN curl -fsSLk https://example.com/a -o /a\n",
    "RUN curl --insecure https://example.com/a -o /a\n",
    "RUN wget --no-check-certificate https://example.com/a\n",
    "RUN sudo apk add --allow-untrusted tool\n",
    "RUN git -c http.sslVerify=false clone https://example.com/r.git\n",
    "RUN bash -c 'pip install --trusted-host pypi.internal tool'\n",
])
def test_b05_verification_turned_off_by_option_setting_or_variable(text):
    assert lines("Dockerfile", FROM + text, "TS-B05") == [2]


@pytest.mark.parametrize("mounts", [
    "--mount=type=cache,target=/var/cache/apt,sharing=locked "
    "--mount=type=cache,target=/var/lib/apt,sharing=locked",
    "--mount=type=tmpfs,target=/var/cache/apt --mount=type=tmpfs,target=/var/lib/apt",
    "--mount=type=cache,target=/var/lib/apt/lists",
])
def test_b04_3_cache_and_tmpfs_mounts_keep_apt_out_of_the_image(mounts):
    text = FROM + (f"RUN {mounts} apt-get update && apt-get install -y "
                   "--no-install-recommends curl\n")
    assert lines("Dockerfile", text, "TS-B04.3") == []


def test_b04_3_a_mount_over_the_debs_alone_leaves_the_lists():
    text = FROM + ("RUN --mount=type=cache,target=/var/cache/apt rm -f "
                   "/etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y "
                   "--no-install-recommends curl\n")
    assert lines("Dockerfile", text, "TS-B04.3") == [2]


@pytest.mark.parametrize("shell", ['["pwsh", "-Command"]', '["powershell.exe"]',
                                   '["cmd.exe", "/S", "/C"]',
                                   '["C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0'
                                   '\\\\powershell.exe", "-Command"]'])
def test_b14_non_posix_shells_have_no_pipefail_to_ask_for(shell):
    text = FROM + f"SHELL {shell}\nRUN Get-ChildItem | Select-Object -First 1\n"
    assert lines("Dockerfile", text, "TS-B14") == []


def test_b14_pipefail_on_plain_sh_does_not_count():
    text = FROM + 'SHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN curl -s x | tar -x\n'
    assert lines("Dockerfile", text, "TS-B14") == [3]


@pytest.mark.parametrize("run", ["RUN sudo apt-get update",
                                 "RUN make && sudo -u app make install",
                                 "RUN if [ -d /x ]; then sudo rm -rf /x; fi"])
def test_b06_running_sudo_is_reported(run):
    assert lines("Dockerfile", FROM + run + "\n", "TS-B06") == [2]


def test_b06_the_word_sudo_in_text_is_not():
    assert lines("Dockerfile", FROM + 'RUN echo "no sudo here" > /etc/motd\n', "TS-B06") == []


@pytest.mark.parametrize("env_line", ["ENV AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP",
                                      'ENV BUNDLE="-----BEGIN PRIVATE KEY-----"',
                                      "ARG OCI_CLI_KEY_CONTENT"])
def test_b09_well_known_credentials_and_keys(env_line):
    assert lines("Dockerfile", FROM + env_line + "\n", "TS-B09") == [2]


def test_b09_a_secret_file_path_in_env_is_not_a_secret():
    text = FROM + "ENV DATABASE_PASSWORD=/run/secrets/db_password\n"
    assert lines("Dockerfile", text, "TS-B09") == []


def test_b01_a_digest_alone_pins_the_image():
    assert lines("Dockerfile", f"FROM python@{D}\n", "TS-B01") == []
    assert lines("Dockerfile", "FROM python:3.12\n", "TS-B01") == [1]


def test_b12_2_a_shell_form_healthcheck_is_reported():
    text = FROM + "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n"
    assert lines("Dockerfile", text, "TS-B12.2") == [2]
    exec_form = FROM + 'HEALTHCHECK --interval=30s CMD ["/app", "-healthcheck"]\n'
    assert lines("Dockerfile", exec_form, "TS-B12.2") == []


def test_onbuild_run_is_judged_like_the_run_it_adds_to_child_images():
    text = FROM + "ONBUILD RUN sudo apt-get update && apt-get install -y python3\n"
    assert lines("Dockerfile", text, "TS-B06") == [2]
    assert lines("Dockerfile", text, "TS-B04.2") == [2]
    user = FROM + "USER 10001\nONBUILD USER root\n"
    assert lines("Dockerfile", user, "TS-B03") == []


def test_what_the_shell_parser_cannot_read_is_still_split_into_commands():
    text = FROM + 'RUN case "$TARGETARCH" in amd64) curl -k https://example.com/a ;; esac\n'
    assert lines("Dockerfile", text, "TS-B05") == [2]
