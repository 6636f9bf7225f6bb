"""TS-R04.2: a seccomp profile denies by default."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_node, at_value
from generator.check.model import SECCOMP, Context, Equivalents, Hit, Rule

ALLOWING = {"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE"}


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    action = doc.node.get("defaultAction")
    if action is None:
        yield at_node(doc.node, "the profile has no defaultAction")
    elif str(action) in ALLOWING:
        yield at_value(doc.node, "defaultAction", f"defaultAction {action} lets every "
                                                  "syscall not listed through")


RULE = Rule(
    id="TS-R04.2", severity="high", checklist="R04", kinds=(SECCOMP,),
    message="the seccomp profile allows by default",
    hint="\"defaultAction\": \"SCMP_ACT_ERRNO\" and list the syscalls the service needs",
    check=check,
    bad='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}\n',
    good='{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], '
         '"action": "SCMP_ACT_ALLOW"}]}\n',
    equivalents=Equivalents(cis="5.21", pss="restricted: Seccomp"),
)
