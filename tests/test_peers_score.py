"""`tightship check` against the cases Polaris, kube-score and hadolint test (tests/peers/).

The scoring is bench/peers.py's: each fixture checked alone, recall and false alarms counted
under the rule the peer's check maps to. The goal holds for Dockerfiles and for Kubernetes
manifests separately.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("peers_bench", REPO / "bench" / "peers.py")
peers = importlib.util.module_from_spec(_spec)
sys.modules["peers_bench"] = peers  # dataclasses look their module up
_spec.loader.exec_module(peers)


@pytest.fixture(scope="module")
def result():
    return peers.score()


def test_every_listed_fixture_exists_and_every_fixture_is_listed():
    cases = peers.load_cases()
    assert cases  # an empty list and an empty folder would match
    listed = {c.file.resolve() for c in cases}
    assert all(c.file.is_file() for c in cases), [str(c.file) for c in cases
                                                   if not c.file.is_file()]
    on_disk = {p.resolve() for p in peers.PEERS_DIR.rglob("*")
               if p.is_file() and p.name != "expected.tsv"}
    assert on_disk == listed, sorted(str(p) for p in on_disk ^ listed)
    assert all(c.expected in ("pass", "fail") for c in cases)
    assert all(c.rule or c.reason for c in cases), "an unscored case must say why"


def test_no_crash(result):
    assert len(result.outcomes) == len(peers.load_cases()) > 0  # every case was run
    assert [(o.case.file.name, o.crashed) for o in result.crashes()] == []


def test_no_file_skipped_silently(result):
    assert len(result.outcomes) == len(peers.load_cases()) > 0  # every case was run
    assert [(peers._rel(o.case.file), o.skipped) for o in result.skipped()] == []


@pytest.mark.parametrize("family", ["dockerfile", "kubernetes"])
def test_recall_and_false_alarms_meet_the_goal(result, family):
    tally = result.by_family[family]
    assert tally.fails and tally.passes  # recall of no case is 1.0, false alarms 0.0
    misses = [f"{peers._rel(o.case.file)} ({o.case.expected}, {o.case.rule})"
              for o in result.misses(family)]
    assert tally.recall >= peers.GOAL_RECALL, misses
    assert tally.false_alarms <= peers.GOAL_FALSE_ALARMS, misses


def test_the_bench_exits_nonzero_exactly_when_the_goal_is_missed(result, capsys):
    code = peers.main([])
    out = capsys.readouterr().out
    assert "recall" in out and "false alarms" in out
    assert code == (0 if peers.meets_goal(result) else 1)
