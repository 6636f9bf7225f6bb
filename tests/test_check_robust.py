"""Whatever a file holds, `check` answers with findings, never a traceback."""

from __future__ import annotations

import fuzz_budget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check.checker import check_texts
from generator.check.model import Context

NAMES = ["Dockerfile", ".dockerignore", "compose.yaml", "k8s/app.yaml", "seccomp.json",
         "apparmor/app", "daemon.json"]
# Fragments of real files, so the generated text often gets past the parsers.
FRAGMENTS = ["FROM x\n", "RUN a | b\n", "USER 0\n", "ADD . /\n", "services:\n", "  web:\n",
             "    privileged: true\n", "apiVersion: v1\n", "kind: Pod\n", "spec:\n",
             "  containers:\n", "  - name: c\n", "    image: x\n", "---\n", "{", "}", "[", "]",
             '"defaultAction": "SCMP_ACT_ALLOW"', '"syscalls": [', "profile p {\n", "mount,\n",
             "# tightship: ignore TS-B01\n", "\t", ":", "- ", "&a ", "*a", "!!str ", "\x00",
             "\ufeff", "'", '"', "\\\n", "null", "12", "true"]


@settings(max_examples=fuzz_budget.examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES),
       parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25))
def test_any_text_gives_findings_not_tracebacks(name, parts):
    text = "".join(parts)
    findings = check_texts({name: text}, Context())
    for f in findings:
        assert f.line >= 1 and f.column >= 1 and f.message
        assert "could not check this file" not in f.message, f.message  # a rule crashed


KEYS = ["services", "web", "image", "user", "privileged", "cap_drop", "cap_add", "security_opt",
        "volumes", "ports", "environment", "deploy", "resources", "limits", "restart_policy",
        "healthcheck", "test", "networks", "network_mode", "apiVersion", "kind", "metadata",
        "name", "namespace", "labels", "annotations", "spec", "template", "containers",
        "securityContext", "capabilities", "add", "drop", "seccompProfile", "type", "env",
        "valueFrom", "secretKeyRef", "hostPath", "path", "podSelector", "matchLabels",
        "policyTypes", "defaultAction", "syscalls", "names", "action", "args", "hosts",
        "log-opts", "runAsUser", "runAsNonRoot", "automountServiceAccountToken", "volumeMounts",
        "hostPort", "data", "stringData", "jobTemplate", "initContainers"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000),
                    st.sampled_from(["Pod", "Deployment", "CronJob", "Secret", "Namespace",
                                     "NetworkPolicy", "ServiceAccount", "ALL", "host", "root",
                                     "0", "SCMP_ACT_ALLOW", "mount", "/var/run/docker.sock",
                                     "seccomp=unconfined", "a:b:c", "tcp://0.0.0.0:2375"]),
                    st.text(max_size=8))
TREES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=30)


@settings(max_examples=fuzz_budget.examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["compose.yaml", "k8s/app.yaml", "seccomp.json", "daemon.json"]),
       tree=st.dictionaries(st.sampled_from(KEYS), TREES, min_size=1, max_size=6),
       kind=st.sampled_from(["Pod", "Deployment", "CronJob", "Secret", "Namespace", None]))
def test_odd_shapes_in_well_formed_files_do_not_crash_a_rule(name, tree, kind):
    import json

    if name.startswith("k8s") and kind:
        tree = {"apiVersion": "v1", "kind": kind, **tree}
    if name == "compose.yaml":
        tree = {"services": {"web": tree}}
    if name == "seccomp.json":
        tree = {"defaultAction": "SCMP_ACT_ERRNO", **tree}
    if name.endswith(".json"):
        text = json.dumps(tree)
    else:
        import io

        from ruamel.yaml import YAML

        out = io.StringIO()
        YAML(typ="safe", pure=True).dump(tree, out)
        text = out.getvalue()
    found = check_texts({name: text}, Context())
    for f in found:
        assert "could not check this file" not in f.message, f.message


@settings(max_examples=fuzz_budget.examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["compose.yaml", "k8s/app.yaml", "seccomp.json", "daemon.json"]),
       tree=st.dictionaries(st.sampled_from(KEYS), TREES, min_size=1, max_size=6),
       kind=st.sampled_from(["Pod", "Deployment", "Namespace", None]))
def test_reading_without_positions_first_finds_the_same(name, tree, kind):
    """The fast first read (no positions) must see what the positioned read sees."""
    import io
    import json

    from ruamel.yaml import YAML

    import generator.check.checker as checker

    if name.startswith("k8s") and kind:
        tree = {"apiVersion": "v1", "kind": kind, **tree}
    if name == "compose.yaml":
        tree = {"services": {"web": tree}}
    if name.endswith(".json"):
        text = json.dumps(tree)
    else:
        out = io.StringIO()
        YAML(typ="safe", pure=True).dump(tree, out)
        text = out.getvalue()
    fast = check_texts({name: text}, Context())
    saved = checker.PLAIN_FIRST
    checker.PLAIN_FIRST = ()
    try:
        slow = check_texts({name: text}, Context())
    finally:
        checker.PLAIN_FIRST = saved
    assert fast == slow


def test_a_security_option_spanning_lines_is_judged_not_a_crash():
    """A quoted compose security_opt may hold a line break: the option is still read (its value
    is not `true`, so no-new-privileges is not set) instead of a rule failing on it."""
    text = ('services:\n  web:\n    image: a:1\n    security_opt:\n'
            '      - "no-new-privileges:true\\nx=1"\n')
    found = check_texts({"compose.yaml": text}, Context())
    assert not [f.message for f in found if "could not check this file" in f.message]
    assert [f.line for f in found if f.rule == "TS-R03"] == [2]
