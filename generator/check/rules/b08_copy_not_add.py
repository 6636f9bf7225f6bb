"""TS-B08: COPY, never ADD."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import DockerfileDoc, shell_words
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword != "ADD":
            continue
        sources = shell_words(instr.args())[:-1]
        if any(re.match(r"^(https?|git)://|^git@", s) for s in sources):
            why = "ADD fetches a remote URL: nothing checks what arrives"
        elif any(re.search(r"\.(tar(\.\w+)?|tgz|tbz2?|txz|zip)$", s) for s in sources):
            why = "ADD unpacks an archive implicitly"
        else:
            why = "ADD where COPY does: ADD also fetches URLs and unpacks archives"
        yield doc.at(instr, why)


RULE = Rule(
    id="TS-B08", severity="medium", checklist="B08", kinds=(DOCKERFILE,),
    message="ADD used instead of COPY",
    hint="use COPY; for a download, RUN curl with a checksum check, in a build stage",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nADD https://example.com/app.tar.gz /app/\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCOPY app/ /app/\n",
    equivalents=Equivalents(cis="4.9", hadolint="DL3020", checkov="CKV_DOCKER_4"),
    doc=("Every ADD is reported, also for a local archive or a URL, where hadolint's DL3020 "
         "allows it: the implicit unpack or fetch is what the rule is about. Unpack with RUN "
         "tar from a COPY, or fetch with a checksum (ADD --checksum, or curl and sha256sum)."),
)
