"""TS-B14: a RUN with a pipe runs under `pipefail`, so a failing first command fails the build."""

from __future__ import annotations

import re

from generator.check.dfutil import lineage
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Equivalents, Rule

QUOTED = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"")
PIPE = re.compile(r"(?<!\|)\|(?!\|)")


def check(doc: DockerfileDoc, ctx):
    for stage in doc.stages:
        shells = [i for s in lineage(doc, stage) for i in s.instructions if i.keyword == "SHELL"]
        for instr in stage.instructions:
            if instr.keyword == "SHELL":
                shells.append(instr)
            if instr.keyword != "RUN" or instr.exec_form:
                continue
            body = QUOTED.sub("''", instr.args())
            if not PIPE.search(body):
                continue
            earlier = [s for s in shells if s.line < instr.line]
            if earlier and "pipefail" in earlier[-1].value:
                continue
            if re.search(r"set\s+-[a-z]*o\s+pipefail|set\s+-o\s+pipefail", body):
                continue
            yield doc.find(instr, PIPE, "RUN uses a pipe without pipefail: a failure before "
                                        "the last command is ignored")


RULE = Rule(
    id="TS-B14", severity="low", checklist="B14", kinds=(DOCKERFILE,),
    message="RUN with a pipe, but the shell has no pipefail",
    hint="put SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before it (or start the RUN "
         "with set -o pipefail &&)",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN curl -fsSL https://example.com/a | "
        "tar -xz\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nSHELL [\"/bin/bash\", \"-o\", "
         "\"pipefail\", \"-c\"]\nRUN curl -fsSL https://example.com/a | tar -xz\n",
    equivalents=Equivalents(hadolint="DL4006"),
)
