"""TS-B10: the final stage holds artifacts, not the whole source tree or VCS data."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import lineage
from generator.check.documents import DockerfileDoc, shell_words
from generator.check.model import DOCKERFILE, Context, Hit, Rule

WHOLE = {".", "./", "*", "./*", ".git", ".git/"}


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    for stage in lineage(doc):
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD") or "from" in instr.flags():
                continue
            for source in shell_words(instr.args())[:-1]:
                if source in WHOLE:
                    what = "VCS data" if source.startswith(".git") else "the whole build context"
                    yield doc.find(instr, r"\s" + re.escape(source) + r"(\s|$)",
                                   f"{instr.keyword} {source} puts {what} into the final image")
                    break


RULE = Rule(
    id="TS-B10", severity="medium", checklist="B10", kinds=(DOCKERFILE,),
    message="the final stage copies the whole build context (sources, VCS data)",
    hint="build in a build stage and COPY --from=build only what runs; name the paths to copy",
    check=check,
    bad="FROM python:3.12-slim@sha256:" + "a" * 64 + "\nCOPY . /app\n",
    good="FROM python:3.12-slim@sha256:" + "a" * 64 + "\nCOPY app/ /app/app/\n",
    doc="`COPY . …` is fine in a build stage; in the image that ships it brings tests, docs, "
        "VCS data and whatever the .dockerignore forgot.",
)
