"""TS-B07: the final image has a HEALTHCHECK."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.dfutil import final_instructions
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    checks = [i for i in final_instructions(doc) if i.keyword == "HEALTHCHECK"]
    if not checks:
        yield doc.end_hit("the final stage has no HEALTHCHECK")
    elif checks[-1].value.strip().upper() == "NONE":
        yield doc.at(checks[-1], "HEALTHCHECK NONE turns the base image's health check off")


RULE = Rule(
    id="TS-B07", severity="medium", checklist="B07", kinds=(DOCKERFILE,),
    message="no HEALTHCHECK in the final image",
    hint="add HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD [\"…\"] that exercises "
         "the service",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD [\"app\"]\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nHEALTHCHECK --interval=30s --timeout=5s "
         "--retries=3 CMD [\"app\", \"--health\"]\nCMD [\"app\"]\n",
    equivalents=Equivalents(cis="4.6", hadolint="DL3057", checkov="CKV_DOCKER_2"),
    doc=("HEALTHCHECK NONE is reported too (hadolint's DL3057 accepts it): turning the check "
         "off is a decision to write down as a suppression with its reason, e.g. when the "
         "orchestrator probes the service."),
)
