"""Every rule: its data is complete, it catches its bad example and passes its good one."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from check_support import context_for, findings, name_for

import generator.check.rules as rules_pkg
from generator.check.model import ANY, KINDS, SEVERITIES
from generator.check.rules import ALL_RULES, BY_ID

CHECKED = [r for r in ALL_RULES if ANY not in r.kinds]
CHECKLIST_ITEMS = {f"B{i:02d}" for i in range(1, 15)} | {f"R{i:02d}" for i in range(1, 18)} \
    | {"H01", "H02", "H03", "C01", "C02", "C03", "C04"}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_data_is_complete(rule):
    assert re.fullmatch(r"TS-[BRHCPS]\d\d(\.\d)?", rule.id)
    assert rule.severity in SEVERITIES
    assert rule.checklist in CHECKLIST_ITEMS
    assert rule.kinds and all(k in KINDS or k == ANY for k in rule.kinds)
    assert rule.message and "\n" not in rule.message
    assert rule.hint and "\n" not in rule.hint
    assert rule.bad and rule.good and rule.bad != rule.good
    if rule.id.startswith(("TS-B", "TS-R", "TS-H")):
        assert rule.id[3:6] == rule.checklist


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: r.id)
def test_rule_catches_its_bad_example(rule):
    hits = findings(name_for(rule, rule.bad), rule.bad, context_for(rule), rule.id)
    assert hits, f"{rule.id} did not fire on its bad example"
    assert all(h.line >= 1 and h.column >= 1 for h in hits)


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: r.id)
def test_rule_passes_its_good_example(rule):
    assert findings(name_for(rule, rule.good), rule.good, context_for(rule), rule.id) == []


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if ANY in r.kinds], ids=lambda r: r.id)
def test_checker_rules_catch_their_bad_example_and_pass_their_good_one(rule):
    assert findings("Dockerfile", rule.bad, rule=rule.id)
    assert findings("Dockerfile", rule.good, rule=rule.id) == []


def test_every_rule_module_is_in_the_list():
    listed = {r.id for r in ALL_RULES}
    modules = list(pkgutil.iter_modules(rules_pkg.__path__))
    assert len(modules) > 50  # the rules folder was read
    for info in modules:
        module = importlib.import_module(f"generator.check.rules.{info.name}")
        rule = getattr(module, "RULE", None)
        if rule is not None:
            assert rule.id in listed, f"{info.name} defines {rule.id} but ALL_RULES lacks it"
    assert len(BY_ID) == len(ALL_RULES)


def test_every_checklist_item_a_file_can_show_has_a_rule():
    covered = {r.checklist for r in ALL_RULES}
    wanted = {f"B{i:02d}" for i in range(1, 15)} | {f"R{i:02d}" for i in range(1, 18)} \
        | {"H01", "H02"}
    assert wanted <= covered, sorted(wanted - covered)
