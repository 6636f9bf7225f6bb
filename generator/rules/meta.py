"""The rules about checking itself: a file that cannot be read, a suppression with no reason.

Their findings come from the checker (the parser's position; the suppression comment), not
from a check of a parsed document, so their `check` yields nothing.
"""

from __future__ import annotations

from generator.rules.base import ANY, Equivalents, Rule


def _none(doc, ctx):
    return ()


PARSE_RULE = Rule(
    id="TS-P01", severity="high", checklist="C02", kinds=(ANY,),
    message="the file could not be read or parsed, so it was not checked",
    hint="fix the syntax at the position shown (or name only files tightship reads)",
    check=_none,
    bad="FROM debian:12-slim\nRUN [\"unclosed\"\nFORM oops\n",
    good="FROM debian:12-slim\n",
    equivalents=Equivalents(hadolint="DL1000 (parse error)"),
    doc="A file that cannot be parsed cannot be shown to be safe: it fails the gate like a "
        "high finding. The position is the parser's.",
)

SUPPRESSION_RULE = Rule(
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
