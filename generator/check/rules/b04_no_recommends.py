"""TS-B04.2: apt-get install never pulls in recommended packages."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.dfutil import commands
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule
from generator.check.rules.b04_apt_update_install import INSTALL


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword != "RUN":
            continue
        for cmd in commands(instr):
            if INSTALL.match(cmd) and "--no-install-recommends" not in cmd \
                    and "Install-Recommends=false" not in cmd:
                yield doc.find(instr, r"apt(-get)?\s+(-\S+\s+)*install",
                               "apt-get install without --no-install-recommends")


RULE = Rule(
    id="TS-B04.2", severity="low", checklist="B04", kinds=(DOCKERFILE,),
    message="apt-get install without --no-install-recommends",
    hint="add --no-install-recommends: only the packages named, not what they recommend",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "curl && rm -rf /var/lib/apt/lists/*\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(cis="4.3", hadolint="DL3015"),
)
