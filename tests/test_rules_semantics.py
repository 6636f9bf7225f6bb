"""The finer points of the rules: what counts, what does not, and at which line."""

from __future__ import annotations

import pytest
from check_support import findings

from generator.check.model import Context

D = "sha256:" + "a" * 64
FROM = f"FROM debian:12-slim@{D}\n"

CASES = [
    # (id, file name, text, rule, lines where it must fire; [] = must not fire)
    ("B01 ARG default resolved", "Dockerfile", f"ARG BASE=debian:12@{D}\nFROM ${{BASE}}\n",
     "TS-B01", []),
    ("B01 ARG default unpinned", "Dockerfile", "ARG BASE=debian:12\nFROM ${BASE}\n",
     "TS-B01", [2]),
    ("B01 stage reference", "Dockerfile", f"FROM debian:12@{D} AS base\nFROM base\n",
     "TS-B01", []),
    ("B01 scratch", "Dockerfile", "FROM scratch\n", "TS-B01", []),
    ("B01 digest without tag pins as well", "Dockerfile", f"FROM debian@{D}\n", "TS-B01", []),
    ("B01 latest beside a digest", "Dockerfile", f"FROM debian:latest@{D}\n", "TS-B01", []),
    ("B02 explicit registry form", "Dockerfile", f"FROM docker.io/library/python:3@{D}\n",
     "TS-B02", []),
    ("B02 another hub namespace", "Dockerfile", f"FROM someone/python:3@{D}\n", "TS-B02", [1]),
    ("B03 USER carried from parent stage", "Dockerfile",
     f"FROM debian:12@{D} AS base\nUSER 10001\nFROM base\n", "TS-B03", []),
    ("B03 USER in unrelated build stage", "Dockerfile",
     f"FROM debian:12@{D} AS build\nUSER 10001\nFROM debian:12@{D}\nCMD [\"a\"]\n",
     "TS-B03", [3]),
    ("B03 root:root", "Dockerfile", FROM + "USER 10001\nUSER 0:0\n", "TS-B03", [3]),
    ("B04 update + install in one RUN", "Dockerfile",
     FROM + "RUN apt-get update && apt-get install -y --no-install-recommends a "
            "&& rm -rf /var/lib/apt/lists/*\n", "TS-B04", []),
    ("B04.3 build stage may keep lists", "Dockerfile",
     f"FROM debian:12@{D} AS build\nRUN apt-get update && apt-get install -y "
     f"--no-install-recommends gcc\nFROM debian:12@{D}\n", "TS-B04.3", []),
    ("B05 column of the flag", "Dockerfile",
     FROM + "RUN apt-get update \\\n    && apt-get install -y --allow-unauthenticated a\n",
     "TS-B05", [3]),
    ("B06 gcc in build stage only", "Dockerfile",
     f"FROM debian:12@{D} AS build\nRUN apt-get update && apt-get install -y gcc\n"
     f"FROM debian:12@{D}\n", "TS-B06", []),
    ("B07 HEALTHCHECK NONE", "Dockerfile", FROM + "HEALTHCHECK NONE\n", "TS-B07", [2]),
    ("B07 from parent stage", "Dockerfile",
     f"FROM debian:12@{D} AS base\nHEALTHCHECK --interval=5s --timeout=1s --retries=3 CMD "
     "[\"a\"]\nFROM base\n", "TS-B07", []),
    ("B09 pointer names pass", "Dockerfile", FROM + "ENV DB_PASSWORD_FILE=/run/secrets/db\n",
     "TS-B09", []),
    ("B09 legacy ENV form", "Dockerfile", FROM + "ENV GITHUB_TOKEN abc\n", "TS-B09", [2]),
    ("B09.2 COPY --from may move keys between stages", "Dockerfile",
     FROM + "COPY --from=build /out/server.pem /etc/ssl/\n", "TS-B09.2", []),
    ("B10 COPY . in build stage", "Dockerfile",
     f"FROM golang:1@{D} AS build\nCOPY . .\nFROM debian:12@{D}\nCOPY --from=build /a /a\n",
     "TS-B10", []),
    ("B12 exec form & is a word", "Dockerfile", FROM + 'CMD ["app", "&"]\n', "TS-B12", []),
    ("B12 sh -c with &", "Dockerfile", FROM + 'CMD ["sh", "-c", "a & b"]\n', "TS-B12", [2]),
    ("B12 redirect is not background", "Dockerfile", FROM + "CMD app 2>&1\n", "TS-B12", []),
    ("B14 pipefail shell", "Dockerfile",
     FROM + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n', "TS-B14", []),
    ("B14 || is not a pipe", "Dockerfile", FROM + "RUN a || b\n", "TS-B14", []),
    ("B14 quoted pipe", "Dockerfile", FROM + "RUN grep 'a|b' f\n", "TS-B14", []),
    ("heredoc body belongs to its RUN", "Dockerfile",
     FROM + "RUN <<EOF\napt-get update\napt-get install -y a\nEOF\nUSER 10001\n", "TS-P01", []),
    ("heredoc body is checked", "Dockerfile",
     FROM + "RUN <<EOF\napt-get update\napt-get install -y a\nEOF\n", "TS-B04.2", [4]),
    ("unclosed heredoc", "Dockerfile", FROM + "RUN <<EOF\napt-get update\n", "TS-P01", [2]),
    ("B09.3 an allowed folder brings its .env along", ".dockerignore", "*\n!app/\n",
     "TS-B09.3", [1]),
    ("B09.3 allow list with the excludes", ".dockerignore",
     "*\n!app/\n**/.git\n**/.env*\n**/*.key\n**/*.pem\n**/id_*\n", "TS-B09.3", []),
    ("B09.3 re-allowing .env", ".dockerignore",
     "*\n!app/\n**/.git\n**/*.key\n**/*.pem\n**/id_*\n!app/.env\n", "TS-B09.3", [1]),
    ("R02 long-syntax drop", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    cap_drop:\n      - all\n", "TS-R02", []),
    ("R02.2 CAP_ prefix", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    cap_add: [CAP_NET_BIND_SERVICE]\n", "TS-R02.2", []),
    ("R03 equals form", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    security_opt: [no-new-privileges=true]\n",
     "TS-R03", []),
    ("R03 set to false", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    security_opt: [\"no-new-privileges:false\"]\n",
     "TS-R03", [2]),
    ("R07 deploy limits", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    deploy:\n      resources:\n        limits:\n"
     "          memory: 64M\n          cpus: '0.5'\n          pids: 64\n", "TS-R07", []),
    ("R08 deploy restart_policy", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    deploy:\n      restart_policy:\n"
     "        condition: on-failure\n        max_attempts: 3\n", "TS-R08", []),
    ("R10 long syntax range", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    ports:\n      - target: 8080\n"
     "        published: 8000-8010\n", "TS-R10", [5]),
    ("R11 long syntax bind", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    volumes:\n      - type: bind\n        source: /etc\n"
     "        target: /host-etc\n        read_only: true\n", "TS-R11", [5]),
    ("R11 named volume is fine", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    volumes: [\"data:/var/lib/data\"]\n", "TS-R11", []),
    ("R11.3 named volume over /usr", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    volumes:\n      - data:/usr/local/lib\n",
     "TS-R11.3", [5]),
    ("R11.3 read-only configuration folder", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    volumes: [\"conf:/etc/app:ro\"]\n", "TS-R11.3", []),
    ("R11.3 a volume as /etc itself", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    volumes: [\"conf:/etc:ro\"]\n", "TS-R11.3", [4]),
    ("R11.3 named volume of its own", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    volumes: [\"data:/var/lib/data\"]\n", "TS-R11.3", []),
    ("R11.3 claim over /etc", "deploy.yaml",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
     "    - name: c\n      image: x:1\n      volumeMounts:\n        - name: d\n"
     "          mountPath: /etc/app\n        - name: shm\n          mountPath: /dev/shm\n"
     "  volumes:\n    - name: d\n      persistentVolumeClaim: {claimName: d}\n"
     "    - name: shm\n      emptyDir: {medium: Memory}\n", "TS-R11.3", [9]),
    ("R13 interpolation passes", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    environment: [\"API_TOKEN=${API_TOKEN}\"]\n",
     "TS-R13", []),
    ("R13 list form literal", "compose.yaml",
     "services:\n  a:\n    image: x:1\n    environment:\n      - API_TOKEN=abc\n", "TS-R13", [5]),
]

POD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {{app: p}}\nspec:\n"
       "{pod}  containers:\n    - name: c\n      image: x:1\n{container}")
K8S_CASES = [
    ("R04 pod-level profile covers containers", POD.format(
        pod="  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n", container=""),
     "TS-R04", []),
    ("R04 Unconfined", POD.format(
        pod="  securityContext:\n    seccompProfile: {type: Unconfined}\n", container=""),
     "TS-R04", [8]),
    ("R04 legacy annotation", POD.replace("  labels: {{app: p}}\n", "  labels: {{app: p}}\n"
                                          "  annotations:\n    seccomp.security.alpha."
                                          "kubernetes.io/pod: runtime/default\n")
     .format(pod="", container=""), "TS-R04", []),
    ("R12 pod-level runAsNonRoot", POD.format(
        pod="  securityContext: {runAsNonRoot: true, runAsUser: 10001}\n", container=""),
     "TS-R12", []),
    ("R12 container overrides to 0", POD.format(
        pod="  securityContext: {runAsNonRoot: true, runAsUser: 10001}\n",
        container="      securityContext: {runAsUser: 0}\n"), "TS-R12", [11]),
    ("R15 Job is not probed", POD.replace("kind: Pod", "kind: Job").replace(
        "spec:\n{pod}", "spec:\n  template:\n    spec:\n{pod}").format(pod="", container=""),
     "TS-R15", []),
    ("R14 policy in the same file", POD.format(pod="", container="") +
     "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d}\n"
     "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n", "TS-R14", []),
    ("R14 policy for other pods", POD.format(pod="", container="") +
     "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d}\n"
     "spec:\n  podSelector: {matchLabels: {app: q}}\n  policyTypes: [Ingress, Egress]\n",
     "TS-R14", [2]),
    ("R16 explicit false", POD.format(pod="  automountServiceAccountToken: false\n",
                                      container=""), "TS-R16", []),
    ("R17 baseline is not enough", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n"
     "  labels:\n    pod-security.kubernetes.io/enforce: baseline\n", "TS-R17", [6]),
]

OTHER_CASES = [
    ("R04.3 conditional allow passes", "seccomp.json",
     '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["ptrace"], "action": '
     '"SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}}]}', "TS-R04.3", []),
    ("R04.3 denying dangerous calls is fine", "seccomp.json",
     '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["mount"], "action": '
     '"SCMP_ACT_ERRNO"}]}', "TS-R04.3", []),
    ("R05.3 deny mount is fine", "apparmor/p", "profile p {\n  deny mount,\n}\n", "TS-R05.3",
     []),
    ("R05.3 mount with options", "apparmor/p",
     "profile p {\n  deny /x w,\n  mount fstype=tmpfs,\n}\n", "TS-R05.3", [3]),
    ("AppArmor block never closed", "apparmor/p", "profile p {\n  deny mount,\n", "TS-P01",
     [1]),
    ("AppArmor variables and alternations are not blocks", "apparmor/p",
     "profile p {\n  deny @{PROC}/{sys,kcore}/** w,\n}\n", "TS-P01", []),
    ("AppArmor escaped and quoted braces", "apparmor/p",
     'profile p {\n  deny mount,\n  "/app/\\{ #x" ix,\n  /app/\\{ ix, # {\n}\n', "TS-P01", []),
    ("R05.2 comments are not rules", "apparmor/p",
     "profile p {\n  # capability,\n  deny mount,\n}\n", "TS-R05.2", []),
    ("H02 TLS verified", "daemon.json",
     '{"hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": "/etc/ca.pem"}',
     "TS-H02", []),
    ("H01 local driver rotates", "daemon.json",
     '{"icc": false, "no-new-privileges": true, "userns-remap": "default", '
     '"live-restore": true, "log-driver": "local"}', "TS-H01", []),
]


@pytest.mark.parametrize("case", CASES + [(c[0], "k8s/p.yaml", *c[1:]) for c in K8S_CASES]
                         + OTHER_CASES, ids=lambda c: c[0])
def test_rule_semantics(case):
    _, name, text, rule, lines = case
    got = sorted(f.line for f in findings(name, text, Context(), rule))
    assert got == lines


def test_findings_point_at_the_offending_word():
    run = ("RUN apt-get update && apt-get install -y --no-install-recommends openssh-server "
           "&& rm -rf /var/lib/apt/lists/*\n")
    (hit,) = findings("Dockerfile", FROM + run, Context(), "TS-B06")
    assert (hit.line, hit.column) == (2, run.index("openssh-server") + 1)
    (hit,) = findings("compose.yaml", "services:\n  web:\n    image: x:1\n"
                      "    privileged: true\n", Context(), "TS-R01")
    assert (hit.line, hit.column) == (4, 5)


def test_profile_capabilities_and_registries_come_from_the_context():
    ctx = Context(allowed_registries=("registry.example.com/base",),
                  allowed_capabilities=("NET_BIND_SERVICE", "CHOWN"))
    assert findings("Dockerfile", f"FROM registry.example.com/base/py:3@{D}\n", ctx,
                    "TS-B02") == []
    assert findings("Dockerfile", FROM, ctx, "TS-B02") != []
    assert findings("compose.yaml", "services:\n  a:\n    image: x:1\n    cap_add: [CHOWN]\n",
                    ctx, "TS-R02.2") == []
