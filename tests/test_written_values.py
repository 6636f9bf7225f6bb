"""The values a rendered YAML or JSON file carries are what a reader gets from its text.

The self-check judges those values without reading the text back (generator/written.py), so
this holds the writers to them: every example under every built-in profile, the odd values of
the direct YAML writer's own test, and arbitrary text in keys and values. The fuzz harness
(tests/fuzz_support.py) holds every fuzz input to the same.
"""

from __future__ import annotations

import fuzz_budget
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from test_yaml_text import VALUES, _document
from written_support import misread, read_back, same

from generator.check.checker import check_texts, profile_settings
from generator.render.files import render_all
from generator.render.outputs.compose import dump_yaml
from generator.render.outputs.yamldata import mapping, sequence
from generator.render.pipeline import load_spec, self_check
from generator.written import WrittenText
from tests.cli_support import EXAMPLES, REPO

PROFILES = sorted(path.stem for path in (REPO / "profiles").glob("*.yaml"))
EXAMPLE_DIRS = sorted(path.parent.name for path in EXAMPLES.glob("*/tightship.yaml"))
REFUSED = set((REPO / "tests" / "data" / "golden" / "refused.txt").read_text().split())
CASES = [(profile, example) for profile in PROFILES for example in EXAMPLE_DIRS
         if f"{profile}/{example}" not in REFUSED]
# Written directly for every example: the files whose values the self-check judges.
CARRIED = {"compose.yaml", "seccomp.json", "k8s/deployment.yaml", "k8s/kustomization.yaml"}


@pytest.mark.parametrize("profile,example", CASES)
def test_every_rendered_file_reads_back_as_its_values(profile: str, example: str) -> None:
    spec, loaded = load_spec(EXAMPLES / example / "tightship.yaml", profile)
    files = render_all(spec, loaded)
    self_check(files, loaded)
    carried = {name for name, text in files.items() if isinstance(text, WrittenText)}
    assert CARRIED - carried == set()  # each of them carries its values
    assert misread(files) is None


@pytest.mark.parametrize("value", VALUES)
def test_an_odd_value_reads_back_as_written(value: str) -> None:
    text = dump_yaml(_document(value), "header")
    if isinstance(text, WrittenText):  # else ruamel.yaml wrote it, and the text is read
        assert same(read_back("x.yaml", text), list(text.documents))


# Printable ASCII mostly, which the direct writer writes (other text goes to ruamel.yaml).
TEXT = st.one_of(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
                 st.text(max_size=10))
SCALARS = st.one_of(TEXT, st.integers(), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    TEXT.map(DoubleQuotedScalarString))


@settings(max_examples=fuzz_budget.examples(300), deadline=None)
@given(key=TEXT, value=SCALARS, items=st.lists(SCALARS, max_size=4))
def test_arbitrary_keys_and_values_read_back_as_written(key, value, items) -> None:
    document = mapping((key, value, "R00: a comment"), ("block", sequence(items)),
                       ("flow", sequence(items, flow=True)), ("nested", mapping((key, items))))
    text = dump_yaml(document, "header")
    if isinstance(text, WrittenText):
        assert same(read_back("x.yaml", text), list(text.documents)), text


def test_the_comparison_can_fail() -> None:
    """A value that differs from the text only in its type is a misread."""
    assert not same([{"a": 1}], [{"a": True}]) and not same([1], [1.0])
    wrong = WrittenText("a: 1\n", [{"a": "1"}])
    assert misread({"x.yaml": wrong}) == "x.yaml"


@pytest.mark.parametrize("example", ["python", "go"])
def test_the_self_check_finds_what_check_finds_in_the_written_files(example: str) -> None:
    """Judged from the carried values or read from the text, the same findings on the same
    lines (here the deployment's suppressed TS-R16 of a service that calls the API)."""
    spec, profile = load_spec(EXAMPLES / example / "tightship.yaml", "default",
                              ["run.calls_api=true"])
    files = render_all(spec, profile)
    ctx, suppressions, _ = profile_settings(profile)
    carried = check_texts(files, ctx, suppressions)
    assert [(f.file, f.rule) for f in carried] == [("k8s/deployment.yaml", "TS-R16")]
    assert carried == check_texts({name: str(text) for name, text in files.items()}, ctx,
                                  suppressions)
