"""TS-R05.5: an AppArmor profile has explicit deny rules for what must never happen."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.apparmor_util import HEADER, rule_lines
from generator.check.documents import TextDoc
from generator.check.model import APPARMOR, Context, Hit, Rule

DENY = re.compile(r"^(?:audit\s+)?deny\b")


def check(doc: TextDoc, ctx: Context) -> Iterator[Hit]:
    lines = list(rule_lines(doc))
    if lines and not any(DENY.match(text) for _, _, text in lines):
        first = next(((l, c) for l, c, t in lines if HEADER.match(t)), lines[0][:2])
        yield Hit(first[0], first[1], "the profile has no deny rules (mount, /proc and /sys "
                                      "writes are not ruled out)")


RULE = Rule(
    id="TS-R05.5", severity="medium", checklist="R05", kinds=(APPARMOR,),
    message="the AppArmor profile has no deny rules",
    hint="add deny rules: `deny mount,`, `deny @{PROC}/sys/** w,`, `deny /sys/** w,`",
    check=check,
    bad="profile app flags=(attach_disconnected) {\n  file,\n}\n",
    good="profile app flags=(attach_disconnected) {\n  file,\n  deny mount,\n"
         "  deny /sys/** w,\n}\n",
    doc="Deny rules win over any allow rule, including ones an #include brings in; a profile "
        "without them relies on every allow rule being exactly right.",
)
