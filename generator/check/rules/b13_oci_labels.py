"""TS-B13: the image names the commit and base image it was built from."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.dfutil import final_instructions, pairs
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

REQUIRED = ("org.opencontainers.image.revision", "org.opencontainers.image.base.digest")


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    have = {key.strip("\"'") for i in final_instructions(doc) if i.keyword == "LABEL"
            for key, _ in pairs(i)}
    missing = [key for key in REQUIRED if key not in have]
    if missing:
        yield doc.end_hit(f"the image has no {', '.join(missing)} label")


RULE = Rule(
    id="TS-B13", severity="low", checklist="B13", kinds=(DOCKERFILE,),
    message="the image does not name its commit and base image (OCI labels)",
    hint="LABEL org.opencontainers.image.revision=\"${VCS_REF}\" "
         "org.opencontainers.image.base.digest=\"sha256:…\" (and .source, .version)",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD [\"app\"]\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nARG VCS_REF=unknown\n"
         "LABEL org.opencontainers.image.revision=\"${VCS_REF}\" \\\n"
         "      org.opencontainers.image.base.digest=\"sha256:" + "a" * 64 + "\"\n",
    equivalents=Equivalents(hadolint="DL3049 (label missing, opt-in)"),
    doc="The revision and base digest are required: with them an image can be traced to a "
        "commit and rebuilt when its base is patched. `.source` and `.version` are recommended "
        "and written by the generator when the answers give them, but not required, since only "
        "the team knows them.",
)
