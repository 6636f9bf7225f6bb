"""TS-B03.2: the last USER is numeric, so a runtime can verify it is not root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule
from generator.check.rules.b03_nonroot_user import ROOT_NAMES, last_user


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    user = last_user(doc)
    if user is None:
        return
    value = user.value.strip()
    if value.split(":")[0].lower() in ROOT_NAMES:
        return  # TS-B03 reports it
    if not re.fullmatch(r"\d+(:\d+)?", value):
        yield doc.at(user, f"USER {value} is a name: Kubernetes' runAsNonRoot cannot verify "
                           "a name, only a number")


RULE = Rule(
    id="TS-B03.2", severity="low", checklist="B03", kinds=(DOCKERFILE,),
    message="the last USER is a name, not a numeric UID:GID",
    hint="write the numeric form, e.g. USER 10001:10001",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nUSER app\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nUSER 10001:10001\n",
    equivalents=Equivalents(pss="restricted: Running as Non-root", hadolint="DL3066"),
)
