"""`check`: find files, tell their kind, parse them into positioned documents, run the rules,
apply suppressions. Never prints; returns findings (frozen data) for the report writers.

Files are checked as the walk finds them: a Dockerfile, compose file or profile is read,
checked and let go before the next is looked for. Kubernetes documents are the exception: the
rules that look across documents (a NetworkPolicy, a namespace, a ServiceAccount) need all
those deployed together, so they are held (as plain data) until the walk has left every
folder of their bundle (their folder's, or their kustomization's: see bundles.py).

One bad file never stops the others: a file that does not read or parse becomes a TS-P01
finding at the parser's position, and checking goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from generator import compose_digest
from generator.check import discover as discovery
from generator.check.bundles import Deployments, deployments
from generator.check.documents import at_node, misshapen
from generator.check.kinds import SKIP_DIRS, kind_from_name, kind_of
from generator.check.model import COMPOSE, DAEMON, KUBERNETES, SECCOMP, Context, Finding, Hit, Rule
from generator.check.parsing import parse_source
from generator.check.read import ParseFailure
from generator.check.rules import ALL_RULES
from generator.check.rules.meta import PARSE_RULE, SUPPRESSION_RULE
from generator.check.source import Source, display, failed, finding, read_source
from generator.check.suppress import (
    ProfileSuppression,
    apply_suppressions,
    inline_suppressions,
    profile_settings,
)
from generator.check.yamlread import parse_yaml_stream
from generator.errors import TightshipError
from generator.messages import clip

__all__ = ["SelfCheckError", "check_paths", "check_sources", "check_texts", "discover",
           "kind_of", "profile_settings", "read_source", "rules_for", "sort_findings"]

# Kinds read without positions first (fast); read again with them only when a rule reports.
PLAIN_FIRST = (SECCOMP, DAEMON, COMPOSE, KUBERNETES)


class SelfCheckError(TightshipError):
    """The rendered files break tightship's own rules: nothing is written.

    The answers, the profile or an organisation's template override led there, so it is bad
    input (exit 2); each finding is named by rendered file, line and rule, on one line.
    """

    exit_code = 2

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        named = "; ".join(f"{f.file}:{f.line}:{f.column}: {f.rule} ({f.severity}) "
                          f"{clip(f.message)}" for f in self.findings)
        super().__init__("the answers, profile or templates give files that break "
                         f"tightship's own rules, so nothing was written: {named}")


# ------------------------------------------------------------------------------ one file


def _parse(src: Source) -> None:
    """src.docs from its text, read without positions where a second read can give them."""
    if src.findings or src.kind is None:
        # a digest override names only images; compose.yaml beside it holds what is judged
        if src.kind is None and not src.findings and src.explicit and \
                not compose_digest.is_override(src.name, src.text):
            failed(src, "not a Dockerfile, .dockerignore, compose file, Kubernetes "
                        "manifest, seccomp or AppArmor profile, or daemon.json")
        return
    try:
        src.docs = parse_source(src, positions=src.kind not in PLAIN_FIRST)
        if src.kind == KUBERNETES:
            _misshapen(src)
    except ParseFailure as exc:
        failed(src, exc.message, exc.line, exc.column)
    except RecursionError:
        failed(src, "the file nests too deeply to read")


def _misshapen(src: Source) -> None:
    """A workload whose pod spec is not a mapping: say so (TS-P01) where it is."""
    if not any(misshapen(d) for d in src.docs):
        return
    for doc in parse_source(src, positions=True):
        why = misshapen(doc)
        if why:
            hit = at_node(doc.node)
            failed(src, why, hit.line, hit.column)


def _hits(src: Source, ctx: Context) -> list[tuple[Rule, Hit]]:
    found: list[tuple[Rule, Hit]] = []
    for rule in rules_for(src.kind) if src.docs and src.kind else ():
        check = rule.check
        for doc in src.docs:
            try:
                hits = list(check(doc, ctx) or ())
            except Exception as exc:  # a rule's bug must not stop the other files
                found.append((PARSE_RULE, Hit(1, 1, f"{rule.id} could not check this file "
                                                    f"({type(exc).__name__}: {exc})")))
                continue
            found.extend([(rule, hit) for hit in hits])
    return found


_RULES_BY_KIND: dict[str, list[Rule]] = {}


def rules_for(kind: str) -> list[Rule]:
    if kind not in _RULES_BY_KIND:
        _RULES_BY_KIND[kind] = [r for r in ALL_RULES if kind in r.kinds]
    return _RULES_BY_KIND[kind]


def _judge(src: Source, ctx: Context,
           profile_suppressions: Sequence[ProfileSuppression]) -> list[Finding]:
    """The findings of one parsed source, positioned and with suppressions applied."""
    findings = list(src.findings)
    anchors: dict[int, int] = {}
    hits = _hits(src, ctx)
    if hits and src.kind in PLAIN_FIRST:  # read without positions: now find where
        bundles = [getattr(doc, "bundle", []) for doc in src.docs]
        try:
            src.docs = parse_source(src, positions=True)
        except ParseFailure as exc:
            src.docs = []
            findings.append(finding(PARSE_RULE, src.name, Hit(exc.line, exc.column, exc.message)))
        for doc in src.docs:  # the same manifests deployed with it, for lookups
            doc.bundle = bundles[0] if bundles else []
        hits = _hits(src, ctx)
    for rule, hit in hits:
        if rule is PARSE_RULE:
            findings.append(finding(PARSE_RULE, src.name, hit))
            continue
        anchors[len(findings)] = hit.anchor or hit.line
        findings.append(finding(rule, src.name, hit))
    suppressions, bad = inline_suppressions(src.text)
    for hit in bad:
        findings.append(finding(SUPPRESSION_RULE, src.name, hit))
    findings = apply_suppressions(findings, src, anchors, suppressions, profile_suppressions)
    return list(dict.fromkeys(findings))  # one finding per place, rule and message


def _judge_together(held: list[Source], ctx: Context,
                    profile_suppressions: Sequence[ProfileSuppression]) -> list[Finding]:
    """Kubernetes sources deployed together: each document sees the others (its bundle)."""
    bundle = [doc for src in held for doc in src.docs]
    for src in held:
        for doc in src.docs:
            doc.bundle = bundle
    results: list[Finding] = []
    for src in held:
        results.extend(_judge(src, ctx, profile_suppressions))
    return results


def _check_stream(sources: Iterable[Source], ctx: Context,
                  profile_suppressions: Sequence[ProfileSuppression],
                  deployed: Deployments, *, walked_in_order: bool) -> list[Finding]:
    """Check each source as it comes. Kubernetes ones are held in their bundle until the walk
    has left every folder the bundle spans (`walked_in_order`: the files of a folder come
    together, as in the walk of one path); otherwise to the end."""
    results: list[Finding] = []
    held: dict[str, list[Source]] = {}
    left: set[str] = set()  # folders the walk is done with
    folder: str | None = None
    for src in sources:
        here = os.path.dirname(src.name)
        if walked_in_order and folder is not None and here != folder:
            left.add(folder)
            for key in [k for k in held if deployed.folders(k) <= left]:
                results.extend(_judge_together(held.pop(key), ctx, profile_suppressions))
        folder = here
        _parse(src)
        if src.kind != KUBERNETES:
            results.extend(_judge(src, ctx, profile_suppressions))
            continue
        held.setdefault(deployed.key(src), []).append(src)
    for group in held.values():
        results.extend(_judge_together(group, ctx, profile_suppressions))
    return sort_findings(results)


def check_sources(sources: list[Source], ctx: Context,
                  profile_suppressions: Sequence[ProfileSuppression] = ()) -> list[Finding]:
    """Parse and check each source; returns every finding, sorted by file, line, column."""
    return _check_stream(sources, ctx, profile_suppressions, Deployments(),
                         walked_in_order=False)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.rule, f.message))


# ------------------------------------------------------------------------------ paths


def discover(paths: Sequence[str | Path]) -> list[tuple[Path, bool]]:
    """Files to check, in a stable order: (path, named explicitly)."""
    return discovery.discover(paths, _wanted, SKIP_DIRS).files


def _wanted(name: str) -> bool:
    return kind_from_name(name) is not None


def _sources(paths: Sequence[str | Path], found: discovery.Discovery,
             counted: list[int]) -> Iterator[Source]:
    """Each file as it is found, read and its kind told; counted[0] counts those checked."""
    for path, explicit in discovery.iter_files(paths, _wanted, SKIP_DIRS, found):
        src = read_source(path, explicit)
        if src.kind is None and not src.findings and kind_from_name(src.name) == "yaml" \
                and "{{" not in src.text:
            try:  # a YAML file whose kind cannot be told because it does not parse
                parse_yaml_stream(src.name, src.text)
            except ParseFailure as exc:
                failed(src, exc.message, exc.line, exc.column)
        if src.kind is not None or src.explicit or src.findings:
            counted[0] += 1
            yield src
    for path, message in found.problems:  # folders that could not be listed
        counted[0] += 1
        yield failed(Source(display(path), "", None, True, path), message)


def check_paths(paths: Sequence[str | Path], ctx: Context,
                profile_suppressions: Sequence[ProfileSuppression] = (),
                notes: list[str] | None = None) -> tuple[list[Finding], int]:
    """Check files and folders; returns (findings, number of files checked).

    What was skipped (a FIFO, a device met in a folder) is added to `notes`.
    """
    found = discovery.Discovery()
    counted = [0]
    findings = _check_stream(_sources(paths, found, counted), ctx, profile_suppressions,
                             deployments(paths), walked_in_order=len(paths) == 1)
    if notes is not None:
        notes.extend(f"skipped {display(p)}: {kind}, not a regular file"
                     for p, kind in found.skipped)
    return findings, counted[0]


def check_texts(files: dict[str, str], ctx: Context,
                profile_suppressions: Sequence[ProfileSuppression] = ()) -> list[Finding]:
    """Check files held in memory ({name: text}), e.g. what the generator just rendered.

    Files whose kind cannot be told (a README, an answers file) are not checked.
    """
    sources = []
    for name, text in files.items():
        kind = kind_of(name, text)
        if kind is not None:
            sources.append(Source(name, text, kind, explicit=False))
    return check_sources(sources, ctx, profile_suppressions)
