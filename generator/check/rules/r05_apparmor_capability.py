"""TS-R05.2: an AppArmor profile does not allow every capability (`capability,`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.apparmor_util import rule_lines
from generator.check.documents import TextDoc
from generator.check.model import APPARMOR, Context, Hit, Rule

WILDCARD = re.compile(r"^(?:audit\s+)?(?:allow\s+)?capability\s*,")


def check(doc: TextDoc, ctx: Context) -> Iterator[Hit]:
    for line, column, text in rule_lines(doc):
        if WILDCARD.match(text):
            yield Hit(line, column, "`capability,` allows every capability the container keeps")


RULE = Rule(
    id="TS-R05.2", severity="medium", checklist="R05", kinds=(APPARMOR,),
    message="the AppArmor profile allows every capability (`capability,`)",
    hint="list only the capabilities the service uses, e.g. `capability net_bind_service,`",
    check=check,
    bad="profile app flags=(attach_disconnected) {\n  capability,\n  deny mount,\n}\n",
    good="profile app flags=(attach_disconnected) {\n  capability net_bind_service,\n"
         "  deny mount,\n}\n",
)
