"""How well `tightship check` agrees with the field's own test cases.

tests/peers/<peer>/expected.tsv lists fixtures written after the cases Polaris, kube-score and
hadolint test: which file, the peer's check it mirrors, whether that check passes or fails it,
and the tightship rule it maps to. A row with no rule (and a reason) is a case where tightship
disagrees by design; it is listed, not scored.

Each fixture is checked alone, in-process, as `tightship check <folder>` would find it, so a
file the checker does not pick up or does not read is seen. Per peer and rule this prints
recall (expected failures reported under the mapped rule) and false alarms (expected passes
reported under it), then crashes and files skipped silently.

    python bench/peers.py [--verbose]      # exit 1 when a family misses the goal
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PEERS_DIR = REPO / "tests" / "peers"
FAMILY = {"hadolint": "dockerfile", "polaris": "kubernetes", "kube-score": "kubernetes"}
GOAL_RECALL = 0.97
GOAL_FALSE_ALARMS = 0.03


@dataclass(frozen=True)
class Case:
    peer: str
    file: Path
    check: str
    expected: str  # pass | fail
    rule: str  # "" when the disagreement is by design
    reason: str


@dataclass
class Outcome:
    case: Case
    rules: set[str] = field(default_factory=set)  # rules reported (unsuppressed)
    crashed: str = ""  # the exception or the rule failure, when the checker broke
    skipped: str = ""  # why the file was not judged, when it said nothing about that

    @property
    def flagged(self) -> bool:
        return self.case.rule in self.rules


def load_cases(peers_dir: Path = PEERS_DIR) -> list[Case]:
    cases = []
    for tsv in sorted(peers_dir.glob("*/expected.tsv")):
        peer = tsv.parent.name
        with tsv.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                cases.append(Case(peer, tsv.parent / row["file"], row["peer_check"],
                                  row["expected"], row["rule"].strip(),
                                  (row.get("reason") or "").strip()))
    return cases


def _holds_containers(node) -> bool:
    if isinstance(node, dict):
        if isinstance(node.get("containers"), list):
            return True
        return any(_holds_containers(v) for v in node.values())
    if isinstance(node, list):
        return any(_holds_containers(v) for v in node)
    return False


def unjudged(src, findings) -> str:
    """Why a file was read but not judged, with nothing said about it; or ''."""
    from generator.check.model import KUBERNETES
    from generator.check.rules.meta import PARSE_RULE
    from generator.check.workloads import workloads

    if src.kind is None:
        return "" if findings else "kind not recognised"
    if not src.docs and not findings:
        return "nothing read from it"
    if src.kind != KUBERNETES or any(f.rule == PARSE_RULE.id for f in findings):
        return ""
    for doc in src.docs:
        if _holds_containers(doc.node) and not list(workloads(doc)):
            return f"the containers of its {doc.kind or 'object'} were not judged"
    return ""


def run_case(case: Case) -> Outcome:
    from generator.check.checker import check_sources, discover, read_source
    from generator.check.model import Context
    from generator.check.rules.meta import PARSE_RULE

    outcome = Outcome(case)
    try:
        found = [p for p, _ in discover([case.file.parent]) if p.resolve() == case.file.resolve()]
        if not found:
            outcome.skipped = "not picked up from its folder"
            return outcome
        src = read_source(found[0], explicit=False)
        findings = check_sources([src], Context())
    except Exception as exc:  # the point is to count these, not to stop at the first
        outcome.crashed = f"{type(exc).__name__}: {exc}"
        return outcome
    for f in findings:
        if f.rule == PARSE_RULE.id and "could not check" in f.message:
            outcome.crashed = f.message
        if not f.suppressed:
            outcome.rules.add(f.rule)
    outcome.skipped = unjudged(src, findings)
    return outcome


@dataclass
class Tally:
    fails: int = 0
    caught: int = 0
    passes: int = 0
    alarms: int = 0

    def add(self, outcome: Outcome) -> None:
        if outcome.case.expected == "fail":
            self.fails += 1
            self.caught += outcome.flagged
        else:
            self.passes += 1
            self.alarms += outcome.flagged

    @property
    def recall(self) -> float:
        return self.caught / self.fails if self.fails else 1.0

    @property
    def false_alarms(self) -> float:
        return self.alarms / self.passes if self.passes else 0.0


@dataclass
class Score:
    outcomes: list[Outcome]
    by_rule: dict[tuple[str, str], Tally]
    by_peer: dict[str, Tally]
    by_family: dict[str, Tally]

    def crashes(self, family: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if o.crashed and _in(o, family)]

    def skipped(self, family: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped and _in(o, family)]

    def misses(self, family: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.rule and _in(o, family) and
                o.flagged != (o.case.expected == "fail")]


def _in(outcome: Outcome, family: str | None) -> bool:
    return family is None or FAMILY.get(outcome.case.peer) == family


def score(cases: list[Case] | None = None) -> Score:
    outcomes = [run_case(c) for c in (cases if cases is not None else load_cases())]
    by_rule: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_peer: dict[str, Tally] = defaultdict(Tally)
    by_family: dict[str, Tally] = defaultdict(Tally)
    for o in outcomes:
        if not o.case.rule:
            continue  # disagreement by design: listed, not scored
        by_rule[(o.case.peer, o.case.rule)].add(o)
        by_peer[o.case.peer].add(o)
        by_family[FAMILY.get(o.case.peer, o.case.peer)].add(o)
    return Score(outcomes, dict(by_rule), dict(by_peer), dict(by_family))


def _pct(value: float) -> str:
    return f"{value * 100:5.1f}%"


def report(result: Score, verbose: bool = False) -> list[str]:
    lines = [f"{'peer':<11} {'rule':<9} {'fails':>5} {'recall':>7} {'passes':>6} "
             f"{'false alarms':>12}"]
    for (peer, rule), t in sorted(result.by_rule.items()):
        lines.append(f"{peer:<11} {rule:<9} {t.fails:>5} {_pct(t.recall):>7} {t.passes:>6} "
                     f"{_pct(t.false_alarms):>12}")
    lines.append("")
    for name, t in sorted(result.by_peer.items()) + sorted(result.by_family.items()):
        lines.append(f"{name:<21} recall {_pct(t.recall)} ({t.caught}/{t.fails})  "
                     f"false alarms {_pct(t.false_alarms)} ({t.alarms}/{t.passes})")
    by_design = [o for o in result.outcomes if not o.case.rule]
    lines.append(f"crashes {len(result.crashes())}, skipped silently {len(result.skipped())}, "
                 f"by design (not scored) {len(by_design)}, cases {len(result.outcomes)}")
    for o in result.crashes():
        lines.append(f"  crash   {o.case.peer}/{o.case.file.name}: {o.crashed}")
    for o in result.skipped():
        lines.append(f"  skipped {_rel(o.case.file)}: {o.skipped}")
    if verbose:
        for o in result.misses():
            what = "missed" if o.case.expected == "fail" else "false alarm"
            lines.append(f"  {what:<11} {_rel(o.case.file)} ({o.case.check} -> {o.case.rule}); "
                         f"reported: {', '.join(sorted(o.rules)) or 'nothing'}")
    return lines


def _rel(path: Path) -> str:
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return path.as_posix()


def meets_goal(result: Score) -> bool:
    return all(t.recall >= GOAL_RECALL and t.false_alarms <= GOAL_FALSE_ALARMS
               for t in result.by_family.values()) and not result.crashes() \
        and not result.skipped()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    result = score()
    print("\n".join(report(result, args.verbose)))
    return 0 if meets_goal(result) else 1


if __name__ == "__main__":
    sys.exit(main())
