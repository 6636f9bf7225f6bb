"""TS-R12.2: the UID and GID are high (10000 or more): no user or group of the host has them."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, at_value
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.rules.r12_run_as_non_root import as_int
from generator.check.workloads import workloads

LOWEST = 10000


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            user, _, group = str(w.node.get("user", "")).partition(":")
            for what, value in (("UID", user.strip()), ("GID", group.strip())):
                low = value.isdigit() and int(value) < LOWEST and (what == "GID" or
                                                                   int(value) > 0)
                if low:
                    yield at_value(w.node, "user", f"{w.name} runs as {what} {value}, which "
                                                   "may be a user or group of the host")
            continue
        for key, what in (("runAsUser", "UID"), ("runAsGroup", "GID")):
            value, where = w.effective(key)
            number = as_int(value)
            # UID 0 is TS-R12's; GID 0 is the root group, which this rule reports
            if number is not None and number < LOWEST and (what == "GID" or number > 0):
                yield at_key(where, key, f"{w.name} runs as {what} {number}, which may be a "
                                         "user or group of the host")


RULE = Rule(
    id="TS-R12.2", severity="low", checklist="R12", kinds=(COMPOSE, KUBERNETES),
    message="the container runs as a low UID or GID (below 10000) that may exist on the host",
    hint="use a UID and GID of 10000 or more (the profile's user is 10001:10001)",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    user: \"1000:1000\"\n",
    good="services:\n  app:\n    image: app:1\n    user: \"10001:10001\"\n",
    equivalents=Equivalents(checkov="CKV_K8S_40"),
    doc="UID 0 is TS-R12's business; this rule is about a non-root UID that a host user may "
        "also have, or a low GID (0 is the root group), which matters when a file or a "
        "namespace is shared by mistake.",
)
