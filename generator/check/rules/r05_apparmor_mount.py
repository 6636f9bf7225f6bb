"""TS-R05.3: an AppArmor profile does not allow mount or pivot_root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.apparmor_util import rule_lines
from generator.check.documents import TextDoc
from generator.check.model import APPARMOR, Context, Hit, Rule

ALLOWS = re.compile(r"^(?:audit\s+)?(?:allow\s+)?(?P<what>mount|remount|pivot_root)\b")


def check(doc: TextDoc, ctx: Context) -> Iterator[Hit]:
    for line, column, text in rule_lines(doc):
        match = ALLOWS.match(text)
        if match:
            yield Hit(line, column, f"the profile allows {match.group('what')}")


RULE = Rule(
    id="TS-R05.3", severity="high", checklist="R05", kinds=(APPARMOR,),
    message="the AppArmor profile allows mount (or pivot_root)",
    hint="write `deny mount,` and drop the allow rule",
    check=check,
    bad="profile app flags=(attach_disconnected) {\n  mount,\n}\n",
    good="profile app flags=(attach_disconnected) {\n  deny mount,\n}\n",
)
