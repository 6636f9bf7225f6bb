"""TS-S01: a suppression must give a reason (and name a known rule)."""

from __future__ import annotations

from collections.abc import Iterable

from generator.check.model import ANY, Context, Hit, Rule


def _none(doc: object, ctx: Context) -> Iterable[Hit]:
    return ()  # the checker reports these itself


RULE = Rule(
    id="TS-S01", severity="medium", checklist="C02", kinds=(ANY,),
    message="a suppression gives no reason (or names no known rule)",
    hint="write `# tightship: ignore TS-XXX why this is acceptable here`",
    check=_none,
    bad="# tightship: ignore TS-B07\n",
    good="# tightship: ignore TS-B07 the orchestrator probes /healthz itself\n",
    doc="Suppressions are `# tightship: ignore RULE[,RULE] reason` on the line of the finding "
        "or in the comments directly above its statement; `# tightship: ignore-file RULE "
        "reason` anywhere covers the whole file; a profile's `suppressions:` entries ({rule, "
        "paths, reason}) cover matching files. Without a reason the suppression does not apply "
        "and is reported itself.",
)
