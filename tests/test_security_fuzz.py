"""Arbitrary text in every free-text field and path: refused, or rendered with every output's
shape intact (no injected instruction, key, rule or interpolation) and the value read back.

Under CI and `make test-fast` the examples are a fixed set (tests/fuzz_budget.py);
TIGHTSHIP_FUZZ_EXAMPLES raises the count, and `bench/fuzz.py` runs 10,000 cases per field on
demand.
"""

from __future__ import annotations

import fuzz_budget
import fuzz_support
import pytest
from hypothesis import HealthCheck, given, settings

SETTINGS = settings(max_examples=fuzz_budget.examples(25),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("field", list(fuzz_support.FIELDS))
def test_field_never_escapes(field):
    @SETTINGS
    @given(text=fuzz_support.TEXT)
    def case(text):
        verdict = fuzz_support.attempt(field, text)
        assert not verdict.startswith("escaped"), (text, verdict)

    case()


@pytest.mark.parametrize("field,text", [
    ("command[0]", "app\\"), ("healthcheck.command[1]", "${HOME}"),
    ("build.sources[0]", "--link"), ("writable[1]", "/usr/lib"), ("env.MODE", "a b"),
    ("build.command[4]", "<<EOF"), ("labels.description", "x\nLABEL y=z"),
    ("healthcheck.command[1]", "%h"), ("writable[1]", "/srv/%n"), ("writable[1]", "/srv/a\\"),
])
def test_known_attacks(field, text):
    """The attacks found by hand: each is refused or rendered harmless, AppArmor compiled."""
    verdict = fuzz_support.attempt(field, text, compile_apparmor=True)
    assert verdict in ("refused", "rendered"), verdict


def test_the_harness_sees_an_escape(monkeypatch):
    """The judge can fail: with compose's `$$` escaping taken away, a `$` word escapes."""
    from generator.render.outputs import compose

    monkeypatch.setattr(compose, "no_interpolation", lambda node: node)
    assert fuzz_support.attempt("healthcheck.command[1]", "$HOME").startswith("escaped")


def test_the_harness_sees_a_systemd_specifier(monkeypatch):
    """With the unit's `%%` escaping taken away, a `%h` in a health-check word escapes."""
    from generator.render.outputs import quadlet

    monkeypatch.setattr(quadlet, "unit_value", lambda text: text)
    verdict = fuzz_support.attempt("healthcheck.command[1]", "%h")
    assert verdict.startswith("escaped") and "a specifier" in verdict
