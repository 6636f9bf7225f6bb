"""`check` on files built to break parsers: 100k-deep JSON and YAML, numbers over Python's
4300-digit limit. Each is a TS-P01 for that file, and the other files are still checked."""

from __future__ import annotations

import pytest
from test_check_hostile_files import BAD_DOCKERFILE, check, p01

from generator.check.checker import check_texts
from generator.check.model import Context

DEPTH = 100_000
DIGITS = "9" * 5000

DEEP = {
    "seccomp.json": '{"defaultAction": ' + "[" * DEPTH + "]" * DEPTH + "}",
    "daemon.json": '{"icc": ' + "{\"a\": " * DEPTH + "1" + "}" * DEPTH + "}",
    "compose.yaml": "services:\n  web: " + "[" * DEPTH + "]" * DEPTH + "\n",
    "k8s.yaml": "apiVersion: v1\nkind: Pod\nspec: " + "{a: " * DEPTH + "1" + "}" * DEPTH,
    "values.yaml": "a: " + "[" * DEPTH + "]" * DEPTH + "\n",
    "kustomization.yaml": "resources: " + "[" * DEPTH + "]" * DEPTH + "\n",
    # block style: as deep as indentation lets a file of reasonable size go
    "compose.block.yaml": "services:\n" + "".join("  " * i + "k:\n" for i in range(1, 1200)),
}
HUGE = {
    "seccomp.json": '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": ' + DIGITS + "}",
    "daemon.json": '{"max-concurrent-downloads": ' + DIGITS + "}",
    "compose.yaml": "services:\n  web:\n    image: x:1\n    pids_limit: " + DIGITS + "\n",
    "k8s.yaml": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                 "  - name: c\n    image: x:1\n    ports: [{containerPort: " + DIGITS + "}]\n"),
    "values.yaml": f"replicas: {DIGITS}\n",
}


def _beside(tmp_path, name: str, text: str):
    (tmp_path / "Dockerfile").write_text(BAD_DOCKERFILE)
    target = tmp_path / name
    target.write_text(text)
    return target


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_a_finding_and_the_rest_is_checked(tmp_path, name):
    _beside(tmp_path, name, DEEP[name])
    for args in ([name, "Dockerfile"], ["."]):
        result = check(*args, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "internal error" not in result.stderr and not result.stderr, result.stderr
        assert "TS-B03" in result.stdout  # the Dockerfile beside it
        if name == "kustomization.yaml" and args == ["."]:
            continue  # not a kind check reads on its own; named, it is reported
        assert "nests too deeply" in p01(result, name)


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_number_over_4300_digits_is_a_finding_and_the_rest_is_checked(tmp_path, name):
    _beside(tmp_path, name, HUGE[name])
    result = check(".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert not result.stderr, result.stderr
    assert "TS-B03" in result.stdout
    assert "a number with more than 4300 digits" in p01(result, name)


@pytest.mark.parametrize("name", ["seccomp.json", "compose.yaml", "k8s.yaml"])
def test_the_in_memory_check_the_render_uses_does_not_crash(name):
    for text in (DEEP[name], HUGE[name]):
        findings = check_texts({name: text, "Dockerfile": BAD_DOCKERFILE}, Context())
        rules = {(f.file, f.rule) for f in findings}
        assert (name, "TS-P01") in rules and ("Dockerfile", "TS-B03") in rules
