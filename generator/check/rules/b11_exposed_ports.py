"""TS-B11: EXPOSE only the service's ports: never ssh, never an invalid port."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

ADMIN_PORTS = {22: "ssh", 23: "telnet", 2375: "the Docker API", 2376: "the Docker API"}


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword != "EXPOSE":
            continue
        for word in instr.value.split():
            if "$" in word:
                continue
            spec = word.split("/")[0]
            bounds = spec.split("-")
            if not all(b.isdigit() for b in bounds) or not all(0 < int(b) < 65536 for b in bounds):
                yield doc.find(instr, re.escape(word), f"EXPOSE {word} is not a valid port")
                continue
            low, high = int(bounds[0]), int(bounds[-1])
            for port, what in ADMIN_PORTS.items():
                if low <= port <= high:
                    yield doc.find(instr, re.escape(word), f"EXPOSE {word} opens {what}")


RULE = Rule(
    id="TS-B11", severity="medium", checklist="B11", kinds=(DOCKERFILE,),
    message="EXPOSE of an admin port (ssh, telnet, Docker API) or an invalid port",
    hint="EXPOSE only the port the service listens on",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nEXPOSE 22 8080\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nEXPOSE 8080\n",
    equivalents=Equivalents(cis="5.8", hadolint="DL3011", checkov="CKV_DOCKER_1"),
    doc="Which ports a service really listens on is not in the Dockerfile; the rule catches "
        "the ports no service container should offer.",
)
