"""TS-R05.4: an AppArmor profile is enforced, not in complain or unconfined mode."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.apparmor_util import HEADER, rule_lines
from generator.check.documents import TextDoc
from generator.check.model import APPARMOR, Context, Hit, Rule


def check(doc: TextDoc, ctx: Context) -> Iterator[Hit]:
    for line, column, text in rule_lines(doc):
        match = HEADER.match(text)
        if match and match.group("flags"):
            flags = {f.strip() for f in match.group("flags").replace(",", " ").split()}
            bad = [f for f in ("complain", "unconfined") if f in flags]
            if bad:
                yield Hit(line, column, f"the profile is in {bad[0]} mode: nothing is enforced")


RULE = Rule(
    id="TS-R05.4", severity="high", checklist="R05", kinds=(APPARMOR,),
    message="the AppArmor profile is not enforced (complain or unconfined mode)",
    hint="remove `complain`/`unconfined` from the profile's flags",
    check=check,
    bad="profile app flags=(complain) {\n  deny mount,\n}\n",
    good="profile app flags=(attach_disconnected) {\n  deny mount,\n}\n",
)
