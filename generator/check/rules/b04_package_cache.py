"""TS-B04.3: package lists and caches are removed in the layer that made them."""

from __future__ import annotations

import re

from generator.check.dfutil import commands, lineage
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Equivalents, Rule
from generator.check.rules.b04_apt_update_install import UPDATE

APK_ADD = re.compile(r"^(?:sudo\s+)?apk\s+(?:-\S+\s+)*add\b")


def check(doc: DockerfileDoc, ctx):
    if doc.final is None:
        return
    for stage in lineage(doc):  # only what ships: build stages may keep their caches
        for instr in stage.all("RUN"):
            cmds = list(commands(instr))
            if any(UPDATE.match(c) for c in cmds) and "/var/lib/apt/lists" not in instr.value:
                yield doc.find(instr, r"apt(-get)?\s+(-\S+\s+)*update",
                               "apt package lists are left in the final image "
                               "(no rm -rf /var/lib/apt/lists/* in the same RUN)")
            for c in cmds:
                if APK_ADD.match(c) and "--no-cache" not in c:
                    yield doc.find(instr, r"apk\s+(-\S+\s+)*add",
                                   "apk add without --no-cache leaves the index in the image")


RULE = Rule(
    id="TS-B04.3", severity="low", checklist="B04", kinds=(DOCKERFILE,),
    message="package lists or caches left in the final image",
    hint="end the RUN with && rm -rf /var/lib/apt/lists/* (apk: use --no-cache)",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "--no-install-recommends curl\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(hadolint="DL3009, DL3019"),
)
