"""Arbitrary text in every free-text field and path, many cases each: how many escaped.

Run: `.venv/bin/python bench/fuzz.py [--cases 10000] [--field NAME ...] [--apparmor-every N]`.
Each case puts one hypothesis-made value into one answers field, renders in-process and
judges the outputs with real parsers (tests/fuzz_support.py says how). Prints, per field, how
many cases ran, were refused, rendered, and escaped; expected: 0 escaped. Exit 1 if any did.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import fuzz_support  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402


def run_field(field: str, cases: int, apparmor_every: int) -> tuple[Counter, list[str]]:
    outcomes: Counter = Counter()
    escapes: list[str] = []

    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(text=fuzz_support.TEXT)
    def case(text: str) -> None:
        number = sum(outcomes.values())
        verdict = fuzz_support.attempt(
            field, text, compile_apparmor=bool(apparmor_every) and number % apparmor_every == 0)
        outcomes[verdict.split(":")[0]] += 1
        if verdict.startswith("escaped"):
            escapes.append(f"{text!r}: {verdict}")

    case()
    return outcomes, escapes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per field")
    parser.add_argument("--field", action="append", choices=sorted(fuzz_support.FIELDS),
                        help="only these fields (repeatable)")
    parser.add_argument("--apparmor-every", type=int, default=50, metavar="N",
                        help="compile every Nth rendered AppArmor profile (0: never)")
    args = parser.parse_args()
    total_ran = total_escaped = 0
    started = time.monotonic()
    print(f"{'field':<26} {'ran':>7} {'refused':>8} {'rendered':>9} {'escaped':>8}")
    for field in args.field or list(fuzz_support.FIELDS):
        outcomes, escapes = run_field(field, args.cases, args.apparmor_every)
        ran = sum(outcomes.values())
        total_ran += ran
        total_escaped += outcomes["escaped"]
        print(f"{field:<26} {ran:>7} {outcomes['refused']:>8} {outcomes['rendered']:>9} "
              f"{outcomes['escaped']:>8}", flush=True)
        for line in escapes[:5]:
            print(f"    {line}")
    print(f"total: {total_ran} cases ran, {total_escaped} escaped "
          f"({time.monotonic() - started:.0f} s)")
    return 1 if total_escaped else 0


if __name__ == "__main__":
    sys.exit(main())
