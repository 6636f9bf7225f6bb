"""schema_pass proves the common case (valid answers and profiles) without jsonschema, and never
calls data valid that jsonschema refuses: a bad value still gets jsonschema's error."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from functools import cache

import fuzz_budget
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.render.answers import load_answers
from generator.render.profiles import builtin_names, load_profile
from generator.render.schema_pass import surely_valid
from generator.render.validation import schema
from tests.cli_support import EXAMPLES, REPO

ANSWERS = "answers.schema.json"
PROFILE = "profile.schema.json"
EXAMPLE_DATA = {path.parent.name: load_answers(path).data
                for path in sorted(EXAMPLES.glob("*/tightship.yaml"))}
PROFILES = {name: load_profile(name).data for name in builtin_names()}
SETTINGS = settings(max_examples=fuzz_budget.examples(30), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@cache
def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(schema_name))


def jsonschema_valid(data, schema_name: str) -> bool:
    return validator(schema_name).is_valid(data)


@pytest.mark.parametrize("example", sorted(EXAMPLE_DATA))
def test_every_example_is_proved_valid_without_jsonschema(example):
    assert surely_valid(EXAMPLE_DATA[example], schema(ANSWERS))


def paths(value, prefix=()):
    """Every place in `value` a value can be put: its own keys and items, and new keys."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        yield (*prefix, "unknown_key")
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


SCALARS = (st.none() | st.booleans() | st.integers(-70000, 70000) | st.sampled_from([1.0, 0.5])
           | st.text(max_size=12) | st.sampled_from(["512Mi", "5s", "python", "3.13", "-", "",
                                                     "a" * 300, "/app", "8080", "x\n"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["name", "port", "x", "path"]), inner,
                                        max_size=3), max_leaves=6)


def at(data, path):
    for step in path:
        data = data[step] if isinstance(data, list) or step in data else None
    return data


EDGES = [" ", "!", "A", "-", ".", "/", "$", "é", "0", "_", ":"]


def near_misses(value) -> list:
    """Values next to `value`: one character or one unit off, where patterns and bounds
    decide, or of a neighbouring type."""
    if isinstance(value, str):
        return ["", value[:1], value * 40, None, 1, *(value + e for e in EDGES),
                *(e + value for e in EDGES)]
    if isinstance(value, bool):
        return [not value, 1, 0, "true", None]
    if isinstance(value, int):
        return [value - 1, value + 1, -value, value * 1000, 0, 65536, 10**7, True, float(value),
                str(value), None]
    if isinstance(value, list):
        return [[], value * 2, value[:1], None, {}]
    if isinstance(value, dict):
        return [{}, [], None]
    return [None, "", 0, []]


def nudged(value):
    return st.sampled_from(near_misses(value))


def dropped(data, path):
    """`data` without the key or item at `path`."""
    changed = copy.deepcopy(data)
    target = changed
    for step in path[:-1]:
        target = target[step]
    if isinstance(target, list) or path[-1] in target:
        del target[path[-1]]
    return changed


def put(data, path, value):
    changed = copy.deepcopy(data)
    if not path:
        return value
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@SETTINGS
@given(example=st.sampled_from(sorted(EXAMPLE_DATA)), data=st.data())
def test_never_valid_where_jsonschema_refuses(example, data):
    original = EXAMPLE_DATA[example]
    changed = original
    for _ in range(data.draw(st.integers(1, 2))):
        path = data.draw(st.sampled_from(list(paths(changed))))
        how = data.draw(st.sampled_from(["near", "near", "drop", "any"]))
        if how == "drop":
            changed = dropped(changed, path)
        else:  # mostly a near miss: one unit or character off, where bounds decide
            value = at(changed, path)
            changed = put(changed, path, data.draw(nudged(value) if how == "near" else VALUES))
    if surely_valid(changed, schema(ANSWERS)):
        assert jsonschema_valid(changed, ANSWERS), changed


def sweep(originals, schema_name: str, same_field=lambda path: path) -> None:
    """Every field the data states, each put one step out of bounds, or dropped (a field
    stated more than once is tried once): never proved valid where jsonschema refuses."""
    tried = set()
    for original in originals:
        for path in paths(original):
            field = same_field(tuple(0 if isinstance(step, int) else step for step in path))
            if field in tried:
                continue
            tried.add(field)
            cases = [dropped(original, path)] + [put(original, path, value)
                                                 for value in near_misses(at(original, path))]
            for changed in cases:
                if surely_valid(changed, schema(schema_name)):
                    assert jsonschema_valid(changed, schema_name), (path, changed)


def test_no_near_miss_of_an_answer_is_called_valid_where_jsonschema_refuses():
    sweep(EXAMPLE_DATA.values(), ANSWERS)


def test_no_near_miss_in_a_profile_is_called_valid_where_jsonschema_refuses():
    # The sections with the keywords answers lack (oneOf, not) or with many bounds (each case
    # is judged on the whole profile, so the others are left to the answers' sweep).
    def same_field(path):
        if path[0] not in ("build_tools", "limits", "user", "capabilities"):
            return ("elsewhere",)
        return path
    sweep([PROFILES["default"]], PROFILE, same_field)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_bundled_profile_is_proved_valid_without_jsonschema(name):
    assert surely_valid(PROFILES[name], schema(PROFILE))


UV_PIN = {"version": "0.9.2", "hashes": ["sha256:" + "a" * 64]}


@pytest.mark.parametrize("uv, valid", [
    (UV_PIN, True),
    ({"image": "uv"}, True),
    ({**UV_PIN, "image": "uv"}, False),  # both ways at once
    ({"version": "0.9.2"}, False),
    ({"version": "0.9.2", "image": "uv"}, False),
    ({}, False),
])
def test_one_of_two_ways_is_proved_only_when_the_other_is_surely_broken(uv, valid):
    data = put(PROFILES["default"], ("build_tools", "uv"), uv)
    assert jsonschema_valid(data, PROFILE) is valid
    assert surely_valid(data, schema(PROFILE)) is valid


@pytest.mark.parametrize("value", [True, "8080", None, [8080], 0, 70000])
def test_a_bad_port_is_left_to_jsonschema(value):
    data = put(EXAMPLE_DATA["python"], ("ports", 0), value)
    assert not surely_valid(data, schema(ANSWERS))
    assert not jsonschema_valid(data, ANSWERS)


def test_a_value_it_does_not_judge_is_left_to_jsonschema():
    data = put(EXAMPLE_DATA["python"], ("ports", 0), 8080.0)  # an integer to JSON Schema
    assert not surely_valid(data, schema(ANSWERS))
    assert jsonschema_valid(data, ANSWERS)


def test_a_first_render_imports_no_jsonschema(tmp_path):
    """An empty cache folder: the answers and the bundled profile are judged without it."""
    script = ("import sys, runpy; sys.argv = ['tightship', 'render', '--answers', sys.argv[1], "
              "'--out', sys.argv[2]]\n"
              "try:\n    runpy.run_module('generator', run_name='__main__')\n"
              "except SystemExit as end:\n    assert end.code == 0, end.code\n"
              "print('jsonschema' in sys.modules)")
    env = {**os.environ, "TIGHTSHIP_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script, str(EXAMPLES / "python" /
                                                             "tightship.yaml"),
                           str(tmp_path / "out")], cwd=REPO, env=env, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "False", done.stderr
    assert (tmp_path / "out" / "compose.yaml").is_file()
