"""What code scanning and GitHub Actions show: SARIF rules with full descriptions and help
links to each rule's section of docs/rules.md, and `--format github` annotations."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from cli_support import run_cli
from jsonschema import Draft4Validator

from generator.check import report
from generator.check.model import Finding
from generator.check.ruledoc import anchor, rules_document
from generator.check.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
D = "sha256:" + "c" * 64


def test_docs_rules_md_is_written_from_the_rules() -> None:
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == rules_document(), \
        "run: python -m generator.check.ruledoc docs/rules.md"


def test_sarif_rules_link_their_section_and_describe_it_in_full(monkeypatch) -> None:
    monkeypatch.setattr(report, "repository_url", lambda: "https://example.org/acme/tightship")
    out = io.StringIO()
    report.write_sarif([], out, files_checked=0, fail_on="medium")
    sarif = json.loads(out.getvalue())
    Draft4Validator(SCHEMA).validate(sarif)
    headings = {line[3:] for line in (REPO / "docs" / "rules.md").read_text().splitlines()
                if line.startswith("## ")}
    for rule, descriptor in zip(ALL_RULES, sarif["runs"][0]["tool"]["driver"]["rules"],
                                strict=True):
        uri = descriptor["helpUri"]
        assert uri.startswith("https://example.org/acme/tightship/blob/v")
        assert uri.endswith(f"/docs/rules.md#{anchor(rule.id)}")
        assert rule.id in headings
        assert descriptor["fullDescription"]["text"].startswith(rule.message)
        if rule.doc:
            assert rule.doc in descriptor["fullDescription"]["text"]
        equivalents = [f"{k}: {v}" for k, v in rule.equivalents.items()]
        for help_format in ("text", "markdown"):  # what code scanning shows under "Show more"
            shown = descriptor["help"][help_format]
            assert rule.hint in shown and rule.doc in shown
            assert all(e in shown for e in equivalents)


def test_without_a_known_repository_no_link_is_made_up(monkeypatch) -> None:
    monkeypatch.setattr(report, "repository_url", lambda: None)
    out = io.StringIO()
    report.write_sarif([], out, files_checked=0, fail_on="medium")
    rules = json.loads(out.getvalue())["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == len(ALL_RULES)  # every rule is described, none with a link
    assert not any("helpUri" in r for r in rules)


def test_anchors_are_the_ones_github_gives_headings() -> None:
    assert anchor("TS-B01") == "ts-b01" and anchor("TS-R16.2") == "ts-r162"


def test_github_format_annotates_each_finding_on_its_line(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        f"FROM debian:12-slim@{D}\nRUN curl -k https://example.com/a -o /a\n"
        "# tightship: ignore TS-B08 vendored archive, checksum checked\nADD a.tar /srv/\n")
    result = run_cli("check", "--format", "github", "--fail-on", "low", str(tmp_path))
    lines = result.out.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert result.code == 1
    assert any(line.startswith("::error file=") and ",line=2,col=" in line and "TS-B05" in line
               for line in annotations), annotations
    assert not any("TS-B08" in line for line in annotations)  # suppressed: no annotation
    assert "finding(s) in" in lines[-1] and "1 suppressed" in lines[-1]


def test_github_format_cannot_be_broken_by_what_a_message_holds() -> None:
    finding = Finding("a,b:c.yaml", 3, 1, "TS-R01", "critical",
                      "x\n::error file=evil::injected %0A", "h")
    out = io.StringIO()
    report.write_github([finding], out, files_checked=1, fail_on="high")
    first = out.getvalue().splitlines()[0]
    assert first.startswith("::error file=a%2Cb%3Ac.yaml,line=3,col=1,title=TS-R01 (critical)::")
    assert len(out.getvalue().splitlines()) == 2  # the annotation and the summary, no more
    assert "%0A::error file=evil::injected %250A" in first


def _distribution(folder: Path, name: str, urls: list[str]) -> None:
    info = folder / f"{name}.dist-info"
    info.mkdir()
    headers = ["Metadata-Version: 2.3", f"Name: {name.split('-')[0]}", "Version: 9.9",
               *(f"Project-URL: {url}" for url in urls)]
    (info / "METADATA").write_text("\n".join(headers) + "\n\nProject-URL: Source, body text\n")


@pytest.mark.parametrize("urls", [
    ["Homepage, https://example.org", "Repository, https://example.org/acme/tightship/"],
    ["source, https://example.org/src"],
    ["Documentation, https://example.org/docs"],
    [],
])
def test_the_repository_is_read_as_importlib_metadata_reads_it(tmp_path, monkeypatch, urls):
    _distribution(tmp_path, "tightship-9.9", urls)
    _distribution(tmp_path, "tightship_other-1.0", ["Repository, https://example.org/wrong"])
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path), *sys.path])
    from importlib import metadata

    expected = None
    for entry in metadata.metadata("tightship").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if expected is None and label.strip().lower() in ("repository", "source"):
            expected = url.strip().rstrip("/")
    assert report.repository_url() == expected
    assert (expected is None) == (not any(u.lower().startswith(("repository", "source"))
                                          for u in urls))


def test_the_installed_package_names_the_repository_importlib_metadata_names() -> None:
    from importlib import metadata

    urls = metadata.metadata("tightship").get_all("Project-URL") or []
    named = [u.split(",", 1)[1].strip().rstrip("/") for u in urls
             if u.split(",", 1)[0].strip().lower() in ("repository", "source")]
    assert report.repository_url() == (named[0] if named else None)
