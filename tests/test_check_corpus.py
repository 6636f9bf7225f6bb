"""The corpus: every planted mistake is found at its line, and nothing else is reported;
everything tightship generates for every example has no finding at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES

from generator.check.checker import check_paths, check_texts, discover
from generator.check.model import Context
from generator.render.profiles import load_profile

CORPUS = Path(__file__).parent / "corpus"
EXPECT_RE = re.compile(r"#\s*expect:\s*(?P<rules>(?:TS-[A-Z0-9.]+\s*)+)")


def expectations(path: Path) -> set[tuple[str, int]]:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        return {(rule, int(line)) for rule, line in
                (row.split() for row in sidecar.read_text().splitlines() if row.strip())}
    expected: set[tuple[str, int]] = set()
    pending: list[str] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = EXPECT_RE.search(line)
        if match:
            pending += match.group("rules").split()
        elif line.strip() and (not line.lstrip().startswith("#") or "tightship:" in line):
            expected |= {(rule, number) for rule in pending}
            pending = []
    return expected


def corpus_files() -> list[Path]:
    return [p for p, _ in discover([CORPUS])]


@pytest.fixture(scope="module")
def corpus_findings():
    findings, checked = check_paths([CORPUS], Context.from_profile(load_profile("default")))
    return findings, checked


def test_the_corpus_has_every_kind_of_file(corpus_findings):
    _, checked = corpus_findings
    assert checked == len(corpus_files()) >= 18


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_planted_mistakes_are_found_at_their_lines(path, corpus_findings):
    findings, _ = corpus_findings
    name = path.resolve()
    got = {(f.rule, f.line) for f in findings
           if Path(f.file).resolve() == name and not f.suppressed}
    want = expectations(path)
    if "hardened" in path.parts or path.name.startswith("hardened"):
        assert want == set()
    assert got == want, (f"missed: {sorted(want - got)}; not expected: {sorted(got - want)}")


def test_the_corpus_plants_mistakes_for_most_rules(corpus_findings):
    findings, _ = corpus_findings
    fired = {f.rule for f in findings}
    assert len(fired) >= 45, sorted(fired)


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_everything_generated_has_no_finding(example):
    """render_service runs the rules itself and refuses on any finding; the check here also
    counts suppressed ones, so the generated files need no suppression at all."""
    from generator.check.checker import SelfCheckError
    from generator.render.pipeline import render_service

    profile = load_profile("default")
    try:
        files = render_service(EXAMPLES / example / "tightship.yaml", profile)
    except SelfCheckError as exc:
        pytest.fail(str(exc))
    assert {"Dockerfile", ".dockerignore", "compose.yaml", "seccomp.json"} <= set(files)
    assert any(name.startswith("k8s/") for name in files)
    findings = check_texts(files, Context.from_profile(profile))
    assert findings == [], "\n".join(f"{f.file}:{f.line} {f.rule} {f.message}"
                                     for f in findings)


def test_a_suppression_with_a_reason_is_kept_as_suppressed(corpus_findings):
    findings, _ = corpus_findings
    suppressed = [f for f in findings if f.suppressed]
    assert [(f.rule, f.line, f.via) for f in suppressed] == [("TS-B14", 7, "inline")]
    assert suppressed[0].reason.startswith("busybox sh has no pipefail")


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_builtin_profile_renders_files_its_rules_accept(example):
    from generator.errors import UserError
    from generator.render.pipeline import render_service
    from generator.render.profiles import builtin_names

    names = builtin_names()
    assert "default" in names and len(names) >= 2
    checked = 0
    for name in names:
        profile = load_profile(name)
        try:
            files = render_service(EXAMPLES / example / "tightship.yaml", profile)
        except UserError:  # the profile does not offer this runtime
            continue
        checked += 1
        assert check_texts(files, Context.from_profile(profile)) == []
    assert checked >= 1  # the default profile offers every runtime
