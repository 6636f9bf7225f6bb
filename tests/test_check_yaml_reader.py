"""check's fast first read (libyaml) sees the same values as the round-trip reader that gives
positions, on every YAML file the tests hold and everything tightship renders: a rule cannot
pass a file on the first read that it would flag with positions, or the other way round."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.check.yamlread import _plain_yaml_stream
from generator.render.pipeline import render_service

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.parent for p in (REPO / "examples").glob("*/tightship.yaml"))


def ruamel_safe(text: str) -> list:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = True
    return [d for d in yaml.load_all(text) if d is not None]


def yaml_files() -> list[Path]:
    found = []
    for folder in ("tests/corpus", "tests/peers"):
        found += [p for p in (REPO / folder).rglob("*") if p.suffix in (".yaml", ".yml")]
    return sorted(found)


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_fast_reader_agrees_with_ruamel_on_every_test_file(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        expected = ruamel_safe(text)
    except Exception:
        return  # unreadable YAML: both fall back to the round-trip reader, which reports it
    assert _plain_yaml_stream(text) == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_fast_reader_agrees_on_every_rendered_file(example):
    files = render_service(example / "tightship.yaml", "default")
    yamls = {k: v for k, v in files.items() if k.endswith((".yaml", ".yml"))}
    assert yamls
    for name, text in yamls.items():
        assert _plain_yaml_stream(text) == ruamel_safe(text), name


def test_yes_and_on_stay_strings_and_8080_80_is_no_number():
    docs = _plain_yaml_stream("a: yes\nb: on\nc: true\np: 8080:80\n")
    assert docs == [{"a": "yes", "b": "on", "c": True, "p": "8080:80"}]


@pytest.mark.parametrize("text", [
    "a: yes\nb: on\nc: true\nd: off\n", "p: 8080:80\n", "m: 010\nh: 0x1F\no: 0o17\n",
    "f: 1.5\ng: .5\ne: 1e3\ni: .inf\nn: -.inf\nd: .\nq: 1.\n", "v: 1_000\nw: +12\n", "t: 2026-12-01\n",
    "x: ~\ny: null\nz: ''\n", "- a\n- &x {k: 1}\n- *x\n", "k: !!str 12\nl: !!int '7'\n",
])
def test_fast_reader_agrees_on_the_values_yaml_1_1_reads_differently(text):
    assert _plain_yaml_stream(text) == ruamel_safe(text)


TRICKY = {
    "anchors": "a: &x [1, {k: v}]\nb: *x\n",
    "documents": "---\n---\na: b\n...\n--- 5\n--- ~\n- x\n",
    "scalars": "- 0o17\n- 0x1f\n- 1_000\n- 1.5e3\n- .inf\n- ''\n- '1'\n- \"true\"\n- 8080:80\n"
               "- 2001-12-14\n- null\n- True\n- -0\n",
    "flow": "a: {c: d, e: [f, {g: h}], i: }\n",
    "duplicate keys": "a: 1\na: 2\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_the_event_builder_gives_what_pyyaml_gives(name):
    """The first read builds values from libyaml's events itself: it must agree with PyYAML's
    own loader (same resolvers) on anchors, document markers, quoting and every scalar type."""
    import yaml

    from generator.check.yamlplain import build_documents
    from generator.check.yamlread import _plain_loader

    loader = _plain_loader()
    text = TRICKY[name]
    assert build_documents(text, loader) == \
        [d for d in yaml.load_all(text, Loader=loader) if d is not None]


def test_what_the_event_builder_leaves_to_pyyaml_still_reads():
    """A merge key or an explicit tag is PyYAML's to build, not lost."""
    docs = _plain_yaml_stream("base: &b {x: 1}\nm:\n  <<: *b\n  y: !!str 2\n")
    assert docs == [{"base": {"x": 1}, "m": {"x": 1, "y": "2"}}]
