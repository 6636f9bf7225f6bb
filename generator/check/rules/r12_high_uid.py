"""TS-R12.2: the UID is high (10000 or more), so it matches no user of the host."""

from __future__ import annotations

from generator.check.documents import at_key, at_value
from generator.check.model import COMPOSE, KUBERNETES, Equivalents, Rule
from generator.check.workloads import workloads

LOWEST = 10000


def check(doc, ctx):
    for w in workloads(doc):
        if w.compose:
            user = str(w.node.get("user", "")).split(":")[0].strip()
            if user.isdigit() and 0 < int(user) < LOWEST:
                yield at_value(w.node, "user", f"{w.name} runs as UID {user}, which may be a "
                                               "user of the host")
        else:
            uid, where = w.effective("runAsUser")
            if isinstance(uid, int) and 0 < uid < LOWEST:
                yield at_key(where, "runAsUser", f"{w.name} runs as UID {uid}, which may be a "
                                                 "user of the host")


RULE = Rule(
    id="TS-R12.2", severity="low", checklist="R12", kinds=(COMPOSE, KUBERNETES),
    message="the container runs as a low UID (below 10000) that may exist on the host",
    hint="use a UID of 10000 or more (the profile's user is 10001)",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    user: \"1000:1000\"\n",
    good="services:\n  app:\n    image: app:1\n    user: \"10001:10001\"\n",
    equivalents=Equivalents(checkov="CKV_K8S_40"),
    doc="UID 0 is TS-R12's business; this rule is about a non-root UID that a host user may "
        "also have, which matters when a file or a namespace is shared by mistake.",
)
