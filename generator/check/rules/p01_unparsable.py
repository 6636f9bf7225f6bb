"""TS-P01: a file that cannot be read or parsed is a finding, at the parser's position."""

from __future__ import annotations

from collections.abc import Iterable

from generator.check.model import ANY, Context, Equivalents, Hit, Rule


def _none(doc: object, ctx: Context) -> Iterable[Hit]:
    return ()  # the checker reports these itself


RULE = Rule(
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
