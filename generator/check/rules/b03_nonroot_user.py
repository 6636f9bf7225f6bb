"""TS-B03: the final stage's last USER is a non-root user."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.dfutil import final_instructions
from generator.check.documents import DockerfileDoc, Instruction
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

ROOT_NAMES = {"root", "0"}


def last_user(doc: DockerfileDoc) -> Instruction | None:
    users = [i for i in final_instructions(doc) if i.keyword == "USER"]
    return users[-1] if users else None


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    user = last_user(doc)
    if user is None:
        yield doc.end_hit("the final stage sets no USER: the container runs as root")
        return
    who = user.value.strip().split(":")[0]
    if who.lower() in ROOT_NAMES:
        yield doc.at(user, f"the last USER is {user.value.strip()}: the container runs as root")


RULE = Rule(
    id="TS-B03", severity="high", checklist="B03", kinds=(DOCKERFILE,),
    message="the container runs as root (no USER, or USER root/0 last)",
    hint="create a dedicated user with a fixed UID/GID and end the final stage with "
         "USER 10001:10001",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD [\"app\"]\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN useradd --uid 10001 app\n"
         "USER 10001:10001\nCMD [\"app\"]\n",
    equivalents=Equivalents(cis="4.1", hadolint="DL3002", checkov="CKV_DOCKER_3, CKV_DOCKER_8"),
    doc="USER carries over from a stage the final stage is built FROM; a USER in an unrelated "
        "build stage does not count, neither its root nor its non-root user (hadolint's DL3002 "
        "reads every stage's USER lines). A final stage with no USER runs as root and is "
        "reported (CIS 4.1).",
)
