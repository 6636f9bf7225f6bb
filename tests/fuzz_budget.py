"""How many examples each property test tries: one place for the three budgets.

- `make test` (and CI): each test's own full count.
- `make test-fast` sets TIGHTSHIP_FUZZ_SAMPLE=fast: a fixed, small sample (FAST_EXAMPLES,
  derandomized), so the inner loop costs seconds and replays the same cases every run.
- TIGHTSHIP_FUZZ_EXAMPLES=N: N examples everywhere, for a longer hunt than a test run affords.
"""

from __future__ import annotations

import os

FAST_EXAMPLES = 5


def fast_sample() -> bool:
    return os.environ.get("TIGHTSHIP_FUZZ_SAMPLE", "") == "fast"


def examples(full: int) -> int:
    """The number of examples for a property test whose full run tries `full`."""
    if os.environ.get("TIGHTSHIP_FUZZ_EXAMPLES"):
        return int(os.environ["TIGHTSHIP_FUZZ_EXAMPLES"])
    return min(full, FAST_EXAMPLES) if fast_sample() else full
