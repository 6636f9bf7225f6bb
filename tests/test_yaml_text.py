"""The direct YAML writer gives ruamel.yaml's bytes, or leaves the document to ruamel.yaml.

Hostile and odd values (indicators, comment marks, `key: value` text, numbers and booleans
as strings, quotes, non-ASCII) must come out exactly as ruamel.yaml wrote them, and read back
as the same single value: no value can add a key.
"""

from __future__ import annotations

import itertools

import fuzz_budget
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.render.outputs.compose import dump_yaml, ruamel_text
from generator.render.outputs.yamldata import mapping, sequence
from generator.render.outputs.yamltext import Unsupported, document_text

VALUES = [
    "plain", "two words", "a: b", "a:b", "key: {x: 1}", "a #b", "a#b", "#c", "- x", "-x", "-",
    "?x", ":x", "x:", "x?", "[x]", "{x}", "a,b", "*ref", "&anchor", "!tag", "|", ">", "'q'",
    '"dq"', "it's", "%x", "@x", "`x`", "---", "...", "=", "<<", "_", "__", "1_000", "0o17",
    "0x1F", "1e3", "1.0", ".5", "+1", "-1", "true", "No", "null", "~", "2026-12-01", "1:30",
    ".inf", " lead", "trail ", "a  b", "ünï", "tab\there", "back\\slash", "x" * 300,
    "http://127.0.0.1:8080/healthz", "no-new-privileges:true", "/tmp:rw,size=64m",
]


def _document(value):
    return mapping(
        ("value", value, "R00: a comment"),
        ("dq", DoubleQuotedScalarString(value)),
        ("list", sequence([value, "after"], ["R00: on an item"])),
        ("flow", sequence(["CMD", value, "after"], flow=True)),
        ("items", sequence([mapping(("name", value), ("n", 1))])),
        ("empty", mapping()),
    )


@pytest.mark.parametrize("value", VALUES)
def test_direct_text_is_ruamel_text_or_left_to_ruamel(value):
    expected = ruamel_text(_document(value))
    try:
        assert document_text(_document(value))[0] == expected  # it quotes tricky values itself
    except Unsupported:
        pass  # dump_yaml then writes ruamel's text
    written = dump_yaml(_document(value), "header")
    assert written == "# header\n" + expected


@pytest.mark.parametrize("value", VALUES)
def test_a_value_reads_back_as_itself(value):
    data = yaml.safe_load(dump_yaml(_document(value), "header"))
    assert sorted(data) == ["dq", "empty", "flow", "items", "list", "value"]
    assert data["value"] == value and data["dq"] == value
    assert data["list"] == [value, "after"] and data["flow"] == ["CMD", value, "after"]
    assert data["items"] == [{"name": value, "n": 1}]


def test_the_direct_writer_handles_what_the_examples_use():
    for left, right in itertools.product(["app", "8080", "a b"], ["x", "1.0.0"]):
        document_text(_document(left + right))  # raises Unsupported if not


@settings(max_examples=fuzz_budget.examples(300), deadline=None)
@given(value=st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1,
                     max_size=20))
def test_any_printable_value_is_written_as_ruamel_writes_it(value):
    """Plain or quoted, the direct writer's choice is ruamel.yaml's for any printable text."""
    try:
        text, _ = document_text(_document(value))
    except Unsupported:
        return  # ruamel.yaml writes it
    assert text == ruamel_text(_document(value))
