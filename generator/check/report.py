"""Findings → text, JSON, SARIF 2.1.0 or GitHub Actions annotations. Each format is one writer
to a stream; none prints."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from typing import Any, TextIO

from generator import __version__
from generator.check.model import SEVERITIES, Finding, Rule, severity_rank
from generator.check.ruledoc import DOCUMENT, anchor
from generator.check.rules import ALL_RULES, BY_ID

DISTRIBUTION = "tightship"  # the name pip installs the package under
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"low": "note", "medium": "warning", "high": "error", "critical": "error"}
# GitHub code scanning ranks security results by this number (0.1-10).
SECURITY_SEVERITY = {"low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}


def summary(findings: Sequence[Finding]) -> dict[str, Any]:
    active = [f for f in findings if not f.suppressed]
    counts = Counter(f.severity for f in active)
    return {"total": len(active), "suppressed": len(findings) - len(active),
            **{s: counts.get(s, 0) for s in reversed(SEVERITIES)}}


def failing(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """The findings that fail the gate: not suppressed, at or above `fail_on`."""
    floor = severity_rank(fail_on)
    return [f for f in findings if not f.suppressed and severity_rank(f.severity) >= floor]


def write_text(findings: Sequence[Finding], out: TextIO, *, files_checked: int,
               fail_on: str, notes: Sequence[str] = ()) -> None:
    """Readable, grouped by file: `LINE:COL  SEVERITY  RULE  message`, then the fix."""
    for file, group in groupby(findings, key=lambda f: f.file):
        out.write(f"{file}\n")
        for f in group:
            where = f"{f.line}:{f.column}"
            if f.suppressed:
                out.write(f"  {where:<8} {'ignored':<8} {f.rule:<9} {f.message}\n"
                          f"  {'':<8} {'':<8} {'':<9} (suppressed: {f.reason})\n")
            else:
                out.write(f"  {where:<8} {f.severity:<8} {f.rule:<9} {f.message}\n"
                          f"  {'':<8} {'':<8} {'':<9} fix: {f.hint}\n")
        out.write("\n")
    for note in notes:
        out.write(f"note: {note}\n")
    s = summary(findings)
    parts = [f"{s[sev]} {sev}" for sev in reversed(SEVERITIES) if s[sev]]
    files_with = len({f.file for f in findings if not f.suppressed})
    line = (f"{s['total']} finding(s) in {files_with} of {files_checked} file(s) checked"
            + (f": {', '.join(parts)}" if parts else ""))
    if s["suppressed"]:
        line += f"; {s['suppressed']} suppressed"
    blocking = len(failing(findings, fail_on))
    line += f". {blocking} at or above {fail_on}." if s["total"] else "."
    out.write(line + "\n")


def write_json(findings: Sequence[Finding], out: TextIO, *, files_checked: int,
               fail_on: str, notes: Sequence[str] = ()) -> None:
    document = {
        "tool": "tightship", "version": __version__, "files_checked": files_checked,
        "fail_on": fail_on, "failed": bool(failing(findings, fail_on)),
        "summary": summary(findings),
        "findings": [f.as_dict() for f in findings],
    }
    if notes:  # what was skipped, and why
        document["notes"] = list(notes)
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def repository_url() -> str | None:
    """The project's repository as the installed package's metadata names it (pyproject's
    [project.urls] Repository or Source), or None when it names none.

    The distribution's METADATA file is found on sys.path and read directly, as
    importlib.metadata would find it: importing importlib.metadata (and the email parser it
    reads with) costs more than the rest of checking a small service.
    """
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in sorted(names):
            if name.startswith(f"{DISTRIBUTION}-") and name.endswith(".dist-info"):
                return _repository_in(os.path.join(folder, name, "METADATA"))
    return None


def _repository_in(metadata_file: str) -> str | None:
    try:
        with open(metadata_file, encoding="utf-8") as handle:
            headers = handle.read().split("\n\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return None
    for line in headers.splitlines():
        field, _, entry = line.partition(":")
        if field.lower() != "project-url":
            continue
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("repository", "source") and url.strip():
            return url.strip().rstrip("/")
    return None


def help_uri(rule: Rule, repository: str | None) -> str | None:
    """The rule's section of docs/rules.md at this release, where the repository is known."""
    if not repository:
        return None
    return f"{repository}/blob/v{__version__}/{DOCUMENT}#{anchor(rule.id)}"


def rule_descriptor(rule: Rule, repository: str | None = None) -> dict[str, Any]:
    tags = ["security", f"checklist/{rule.checklist}", *rule.kinds]
    equivalents = "; ".join(f"{k}: {v}" for k, v in rule.equivalents.items())
    markdown = (f"**{rule.message}** (checklist {rule.checklist})\n\n{rule.doc}\n\n"
                f"Fix: {rule.hint}\n\nBad:\n```\n{rule.bad}```\nGood:\n```\n{rule.good}```\n"
                + (f"\nEquivalents: {equivalents}\n" if equivalents else ""))
    descriptor = {
        "id": rule.id,
        "name": rule.id.replace("-", "").replace(".", "_"),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": f"{rule.message}. {rule.doc}" if rule.doc else rule.message},
        "help": {"text": " ".join(part for part in (
                     f"{rule.doc}" if rule.doc else "", f"Fix: {rule.hint}.",
                     f"Equivalents: {equivalents}." if equivalents else "") if part),
                 "markdown": markdown},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"tags": tags, "precision": "high",
                       "security-severity": SECURITY_SEVERITY[rule.severity],
                       "problem.severity": "error" if severity_rank(rule.severity) >= 2
                       else ("warning" if rule.severity == "medium" else "recommendation")},
    }
    uri = help_uri(rule, repository)
    if uri:
        descriptor["helpUri"] = uri
    return descriptor


def write_sarif(findings: Sequence[Finding], out: TextIO, *, files_checked: int,
                fail_on: str, notes: Sequence[str] = ()) -> None:
    """SARIF 2.1.0: one run, every rule described, suppressed findings kept as suppressed."""
    index = {rule.id: i for i, rule in enumerate(ALL_RULES)}
    repository = repository_url()
    results = []
    prints = fingerprints(findings)
    for f, fingerprint in zip(findings, prints, strict=True):
        result = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.hint}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(f.file),
                "region": {"startLine": f.line, "startColumn": f.column},
            }}],
            "partialFingerprints": {FINGERPRINT: fingerprint},
            "properties": {"severity": f.severity},
        }
        if f.suppressed:
            result["suppressions"] = [{"kind": "inSource" if f.via == "inline" else "external",
                                       "status": "accepted",
                                       "justification": f.reason or ""}]
        results.append(result)
    document: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tightship",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(rule, repository) for rule in ALL_RULES],
            }},
            "automationDetails": {"id": "tightship/check/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"filesChecked": files_checked, "failOn": fail_on},
        }],
    }
    if notes:  # what was skipped: SARIF's place for what the tool itself has to say
        document["runs"][0]["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "note", "message": {"text": note}}
                                           for note in notes],
        }]
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


FINGERPRINT = "tightship/v1"


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One id per finding that stays the same from run to run and when lines move: the rule,
    the file and the message (which names the container, key or word), and which of the
    identical ones it is, counted in file order."""

    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in findings:
        key = (f.rule, f.file, f.message)
        seen[key] = seen.get(key, 0) + 1
        text = "\0".join((*key, str(seen[key])))
        out.append(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    return out


def _artifact(file: str) -> dict[str, Any]:
    """A relative path is relative to the checked-out repository (GitHub's %SRCROOT%)."""
    from pathlib import PurePosixPath
    from urllib.parse import quote

    path = file.replace("\\", "/")
    if path.startswith("/"):
        return {"uri": PurePosixPath(path).as_uri()}
    while path.startswith("./"):
        path = path[2:]
    return {"uri": quote(path, safe="/-._~"), "uriBaseId": "%SRCROOT%"}


GITHUB_LEVEL = {"low": "notice", "medium": "warning", "high": "error", "critical": "error"}


def _escape(text: str, *, prop: bool = False) -> str:
    """GitHub's workflow-command escaping: a message cannot end the command or add a field."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def write_github(findings: Sequence[Finding], out: TextIO, *, files_checked: int,
                 fail_on: str, notes: Sequence[str] = ()) -> None:
    """GitHub Actions annotations (`::error file=…,line=…::…`), one per finding not
    suppressed, shown on the lines of a pull request; then the text summary line."""
    for f in findings:
        if f.suppressed:
            continue
        props = ",".join(f"{key}={_escape(str(value), prop=True)}" for key, value in (
            ("file", f.file), ("line", f.line), ("col", f.column),
            ("title", f"{f.rule} ({f.severity})")))
        out.write(f"::{GITHUB_LEVEL[f.severity]} {props}::"
                  f"{_escape(f'{f.message}. Fix: {f.hint}')}\n")
    for note in notes:
        out.write(f"::notice::{_escape(note)}\n")
    tail = io.StringIO()  # the same last line as the text report
    write_text(findings, tail, files_checked=files_checked, fail_on=fail_on)
    out.write(tail.getvalue().splitlines()[-1] + "\n")


WRITERS = {"text": write_text, "json": write_json, "sarif": write_sarif, "github": write_github}


def rule_rows() -> list[dict[str, Any]]:
    """The rules as rows for `tightship rules` and the README table."""
    return [{"id": r.id, "severity": r.severity, "checklist": r.checklist,
             "kinds": ", ".join(r.kinds), "message": r.message,
             "equivalents": "; ".join(f"{k} {v}" for k, v in r.equivalents.items())}
            for r in ALL_RULES]


def lookup(rule_id: str) -> Rule | None:
    return BY_ID.get(rule_id)
