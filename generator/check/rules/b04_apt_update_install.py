"""TS-B04: `apt-get update` and `apt-get install` happen in the same RUN."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import commands
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

UPDATE = re.compile(r"^(?:sudo\s+)?apt(?:-get)?\s+(?:-\S+\s+)*update\b")
INSTALL = re.compile(r"^(?:sudo\s+)?apt(?:-get)?\s+(?:-\S+\s+)*install\b")


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword != "RUN":
            continue
        cmds = list(commands(instr))
        updates = any(UPDATE.match(c) for c in cmds)
        installs = any(INSTALL.match(c) for c in cmds)
        if updates and not installs:
            yield doc.find(instr, r"apt(-get)?\s+(-\S+\s+)*update",
                           "apt-get update alone in its RUN: its cached layer goes stale "
                           "and later installs get old package lists")
        elif installs and not updates:
            yield doc.find(instr, r"apt(-get)?\s+(-\S+\s+)*install",
                           "apt-get install without apt-get update in the same RUN")


RULE = Rule(
    id="TS-B04", severity="medium", checklist="B04", kinds=(DOCKERFILE,),
    message="apt-get update and apt-get install are not in one RUN",
    hint="RUN apt-get update && apt-get install -y --no-install-recommends PKG "
         "&& rm -rf /var/lib/apt/lists/*",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update\n"
        "RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(cis="4.7", checkov="CKV_DOCKER_5"),
)
