"""`tightship check` and `tightship rules` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli

from generator.check.rules import ALL_RULES

CORPUS = Path(__file__).parent / "corpus"
DIGEST = "sha256:" + "a" * 64
GOOD_DOCKERFILE = f"""FROM debian:12-slim@{DIGEST}
ARG VCS_REF=unknown
LABEL org.opencontainers.image.revision="${{VCS_REF}}" \\
      org.opencontainers.image.base.digest="{DIGEST}"
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["app", "--health"]
CMD ["app"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_clean_file_exits_0(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE)
    result = run_cli("check", "Dockerfile", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert "0 finding(s) in 0 of 1 file(s) checked." in result.out


def test_findings_are_grouped_by_file_with_position_rule_and_fix(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE.replace("USER 10001:10001", "USER root"))
    write(tmp_path, "deploy/compose.yaml", "services:\n  web:\n    image: x:1\n"
                                           "    privileged: true\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "Dockerfile"
    assert "5:1      high     TS-B03" in lines[1]
    assert lines[2].strip().startswith("fix: ")
    assert "deploy/compose.yaml" in lines
    assert "4:5      critical TS-R01    web runs privileged" in result.out


def test_fail_on_sets_the_threshold(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE.replace('CMD ["app"]', "CMD app"))  # low
    assert run_cli("check", "Dockerfile", cwd=tmp_path).code == 0  # default profile: medium
    assert run_cli("check", "--fail-on", "low", "Dockerfile", cwd=tmp_path).code == 1
    assert run_cli("check", "--fail-on", "critical", "Dockerfile", cwd=tmp_path).code == 0


def test_fail_on_defaults_to_the_profile(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE.replace('CMD ["app"]', "CMD app"))
    write(tmp_path, "strict.yaml", "name: picky\nextends: default\nfail_on: low\n")
    assert run_cli("check", "--profile", "strict.yaml", "Dockerfile", cwd=tmp_path).code == 1


def test_json_report(tmp_path):
    write(tmp_path, "Dockerfile", "FROM python:latest\n# tightship: ignore TS-B07 the "
                                  "orchestrator probes it\nCMD [\"app\"]\n")
    result = run_cli("check", "--format", "json", "Dockerfile", cwd=tmp_path)
    assert result.code == 1
    report = json.loads(result.out)
    assert report["files_checked"] == 1 and report["failed"] is True
    rows = report["findings"]
    assert all({"file", "line", "column", "rule", "severity", "message", "suppressed"} <= set(r)
               for r in rows)
    b01 = next(r for r in rows if r["rule"] == "TS-B01")
    assert (b01["file"], b01["line"], b01["column"], b01["severity"]) == \
        ("Dockerfile", 1, 12, "high")
    # TS-B07 is reported at FROM (what is missing belongs to the stage), so a comment above
    # CMD does not cover it
    assert any(r["rule"] == "TS-B07" and r["line"] == 1 and not r["suppressed"] for r in rows)


def test_inline_suppression_with_reason_keeps_the_finding_as_suppressed(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE.replace(
        "CMD [\"app\"]", "# tightship: ignore TS-B08 vendored release, checksum pinned below\n"
                         "ADD https://example.com/a.tgz /opt/\nCMD [\"app\"]"))
    result = run_cli("check", "--format", "json", "Dockerfile", cwd=tmp_path)
    assert result.code == 0, result.out
    (row,) = json.loads(result.out)["findings"]
    assert row["rule"] == "TS-B08" and row["suppressed"] is True
    assert row["reason"] == "vendored release, checksum pinned below"


def test_suppression_without_reason_is_a_finding_and_does_not_apply(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE.replace(
        "CMD [\"app\"]", "# tightship: ignore TS-B08\nADD https://example.com/a.tgz /opt/\n"
                         "CMD [\"app\"]"))
    result = run_cli("check", "--format", "json", "Dockerfile", cwd=tmp_path)
    rows = json.loads(result.out)["findings"]
    assert {(r["rule"], r["line"], r["suppressed"]) for r in rows} == \
        {("TS-S01", 7, False), ("TS-B08", 8, False)}
    assert result.code == 1


def test_suppression_of_an_unknown_rule_is_a_finding(tmp_path):
    write(tmp_path, "compose.yaml", "services:\n  web:  # tightship: ignore TS-Z99 because\n"
                                    "    image: x:1\n")
    rows = json.loads(run_cli("check", "--format", "json", "compose.yaml",
                              cwd=tmp_path).out)["findings"]
    assert any(r["rule"] == "TS-S01" and "unknown rule" in r["message"] for r in rows)


def test_yaml_trailing_suppression_and_file_wide_suppression(tmp_path):
    write(tmp_path, "compose.yaml",
          "# tightship: ignore-file TS-R14 a single-service stack on its own host\n"
          "services:\n  web:\n    image: x:1\n"
          "    privileged: true  # tightship: ignore TS-R01 the vendor's agent needs it\n")
    rows = json.loads(run_cli("check", "--format", "json", "compose.yaml",
                              cwd=tmp_path).out)["findings"]
    by_rule = {r["rule"]: r for r in rows}
    assert by_rule["TS-R01"]["suppressed"] and by_rule["TS-R14"]["suppressed"]
    assert not by_rule["TS-R03"]["suppressed"]


def test_profile_suppressions_need_a_reason(tmp_path):
    write(tmp_path, "k8s/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
                                    "  automountServiceAccountToken: false\n  containers:\n"
                                    "    - name: c\n      image: x:1\n")
    write(tmp_path, "org.yaml", "name: org\nextends: default\nsuppressions:\n"
                                "  - rule: TS-R14\n    paths: ['k8s/*']\n"
                                "    reason: policies live in the platform repo\n"
                                "  - rule: TS-R16.2\n")
    result = run_cli("check", "--format", "json", "--profile", "org.yaml", "k8s", cwd=tmp_path)
    rows = json.loads(result.out)["findings"]
    r14 = [r for r in rows if r["rule"] == "TS-R14"]
    assert r14 and all(r["suppressed"] and r["via"] == "profile" for r in r14)
    bad = [r for r in rows if r["rule"] == "TS-S01"]
    assert bad and bad[0]["file"].endswith("org.yaml") and bad[0]["line"] == 7
    assert any(r["rule"] == "TS-R16.2" and not r["suppressed"] for r in rows)


def test_a_bad_file_never_stops_the_others(tmp_path):
    write(tmp_path, "a/compose.yaml", "services:\n  web: [unclosed\n")
    write(tmp_path, "b/Dockerfile", "FROM python:latest\n")
    write(tmp_path, "c/seccomp.json", '{"defaultAction": "SCMP_ACT_ALLOW",}')
    write(tmp_path, "d/Dockerfile", b"\xff\xfe\x00garbage".decode("latin-1"))
    write(tmp_path, "e/deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p\n")
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert result.err == ""
    rows = json.loads(result.out)["findings"]
    parse = {r["file"]: (r["line"], r["column"]) for r in rows if r["rule"] == "TS-P01"}
    assert set(parse) == {"a/compose.yaml", "c/seccomp.json", "d/Dockerfile",
                          "e/deploy.yaml"}
    assert parse["a/compose.yaml"][0] == 3  # where the parser noticed the missing ]
    assert parse["c/seccomp.json"] == (1, 36)
    assert any(r["file"] == "b/Dockerfile" and r["rule"] == "TS-B01" for r in rows)


def test_missing_and_unknown_explicit_files_are_reported(tmp_path):
    write(tmp_path, "notes.txt.md", "hello\n")
    result = run_cli("check", "--format", "json", "nope/Dockerfile", "notes.txt.md",
                     cwd=tmp_path)
    rows = json.loads(result.out)["findings"]
    assert [(r["file"], r["rule"]) for r in rows] == [("nope/Dockerfile", "TS-P01"),
                                                       ("notes.txt.md", "TS-P01")]
    assert "not found" in rows[0]["message"]


def test_multi_document_kubernetes_and_kustomize_folder():
    result = run_cli("check", "--format", "json", str(CORPUS / "kubernetes"))
    rows = json.loads(result.out)["findings"]
    files = {Path(r["file"]).name for r in rows}
    assert {"app.yaml", "deployment.yaml"} <= files
    # the kustomization's ServiceAccount turns the token off for its deployment
    assert not any(r["rule"] == "TS-R16" and r["file"].endswith("deployment.yaml") for r in rows)


def test_rules_lists_every_rule():
    result = run_cli("rules")
    assert result.code == 0
    assert len(result.out.splitlines()) == len(ALL_RULES) + 1
    assert result.out.splitlines()[0].startswith("TS-B01    high")


def test_readme_rule_table_is_in_sync():
    from generator.check.ruledoc import END, START, markdown_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert START in readme and END in readme
    table = readme[readme.index(START) + len(START):readme.index(END)]
    assert table.strip() == markdown_table().strip(), \
        "README's rule table is stale: run `tightship rules --write README.md`"


def test_rules_write_replaces_the_table(tmp_path):
    readme = write(tmp_path, "README.md", "# x\n<!-- rules:start -->\nold\n<!-- rules:end -->\n"
                                          "after\n")
    assert run_cli("rules", "--write", str(readme)).code == 0
    text = readme.read_text()
    assert "old" not in text and "| `TS-B01` | high | B01 |" in text and text.endswith("after\n")
    write(tmp_path, "plain.md", "no markers\n")
    assert run_cli("rules", "--write", str(tmp_path / "plain.md")).code == 2


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_output_file(tmp_path, fmt):
    write(tmp_path, "Dockerfile", "FROM python:latest\n")
    result = run_cli("check", "--format", fmt, "--output", "report.out", "Dockerfile",
                     cwd=tmp_path)
    assert result.code == 1 and result.out == ""
    assert "TS-B01" in (tmp_path / "report.out").read_text()


def test_rules_explains_a_rule_in_full():
    result = run_cli("rules", "TS-B08")
    assert result.code == 0
    assert result.out.startswith("TS-B08 (medium, checklist B08, reads dockerfile): ADD used")
    assert "fix: use COPY" in result.out and "hadolint: DL3020" in result.out
    assert "  bad:\n" in result.out and "  good:\n" in result.out
    assert run_cli("rules", "TS-X99").code == 2


def test_a_bad_profile_is_bad_input(tmp_path):
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE)
    result = run_cli("check", "--profile", "nope", "Dockerfile", cwd=tmp_path)
    assert result.code == 2 and "no built-in profile 'nope'" in result.err
