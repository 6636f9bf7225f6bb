"""The report writers: text, JSON and SARIF 2.1.0 (validated against the OASIS schema)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from generator.check.model import Finding
from generator.check.report import WRITERS, failing, summary, write_json, write_sarif, write_text
from generator.check.rules import ALL_RULES

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
CORPUS = Path(__file__).parent / "corpus"

FINDINGS = [
    Finding("Dockerfile", 1, 12, "TS-B01", "high", "base image uses latest", "pin it"),
    Finding("Dockerfile", 7, 1, "TS-B08", "medium", "ADD used", "use COPY", True,
            "vendored, checksum checked", "inline"),
    Finding("deploy/compose.yaml", 4, 5, "TS-R01", "critical", "privileged", "drop it"),
    Finding("k8s/app.yaml", 9, 3, "TS-R16.2", "low", "default account", "add one", True,
            "platform policy", "profile"),
]


def render(writer, findings=FINDINGS, fail_on="medium") -> str:
    out = io.StringIO()
    writer(findings, out, files_checked=5, fail_on=fail_on)
    return out.getvalue()


def test_summary_and_gate():
    s = summary(FINDINGS)
    assert (s["total"], s["suppressed"], s["critical"], s["high"], s["low"]) == (2, 2, 1, 1, 0)
    assert [f.rule for f in failing(FINDINGS, "critical")] == ["TS-R01"]
    assert failing(FINDINGS, "low") == [FINDINGS[0], FINDINGS[2]]


def test_text_groups_by_file_and_sums_up():
    text = render(write_text)
    assert text.splitlines()[0] == "Dockerfile"
    assert "  1:12     high     TS-B01    base image uses latest" in text
    assert "(suppressed: vendored, checksum checked)" in text
    assert text.rstrip().endswith("2 finding(s) in 2 of 5 file(s) checked: 1 critical, 1 high; "
                                  "2 suppressed. 2 at or above medium.")


def test_text_with_nothing_found():
    assert render(write_text, []) == "0 finding(s) in 0 of 5 file(s) checked.\n"


def test_json_has_the_fields_scripts_need():
    report = json.loads(render(write_json))
    assert report["failed"] is True and report["files_checked"] == 5
    assert report["findings"][1] == {
        "file": "Dockerfile", "line": 7, "column": 1, "rule": "TS-B08", "severity": "medium",
        "message": "ADD used", "hint": "use COPY", "suppressed": True,
        "reason": "vendored, checksum checked", "via": "inline"}


def test_sarif_validates_against_the_oasis_schema():
    sarif = json.loads(render(write_sarif))
    Draft4Validator(SCHEMA).validate(sarif)
    assert sarif["version"] == "2.1.0"


def test_sarif_results_as_code_scanning_reads_them():
    sarif = json.loads(render(write_sarif))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in ALL_RULES]
    assert all(float(r["properties"]["security-severity"]) > 0 for r in rules)
    first, second, third, fourth = run["results"]
    assert rules[first["ruleIndex"]]["id"] == "TS-B01"
    assert first["level"] == "error" and second["level"] == "warning"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 1, "startColumn": 12}
    assert "suppressions" not in first
    assert second["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "vendored, checksum checked"}]
    assert fourth["suppressions"][0]["kind"] == "external"
    assert third["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "deploy/compose.yaml"


def test_sarif_of_the_whole_corpus_validates():
    from generator.check.checker import check_paths
    from generator.check.model import Context

    findings, checked = check_paths([CORPUS], Context())
    out = io.StringIO()
    write_sarif(findings, out, files_checked=checked, fail_on="medium")
    sarif = json.loads(out.getvalue())
    Draft4Validator(SCHEMA).validate(sarif)
    assert len(sarif["runs"][0]["results"]) == len(findings) > 50


def test_sarif_absolute_paths_become_file_uris():
    finding = Finding("/srv/app/Dockerfile", 1, 1, "TS-B01", "high", "m", "h")
    sarif = json.loads(render(write_sarif, [finding]))
    Draft4Validator(SCHEMA).validate(sarif)
    artifact = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"] == {"uri": "file:///srv/app/Dockerfile"}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_writer_handles_no_findings(fmt):
    assert render(WRITERS[fmt], []).endswith("\n")
