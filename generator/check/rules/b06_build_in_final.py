"""TS-B06.2: the final stage does not compile or build: that is a build stage's job."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import commands, lineage
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

BUILD = re.compile(
    r"^(?:go\s+build|mvn|\./mvnw|gradle|\./gradlew|cargo\s+build|javac|gcc|g\+\+|make\b|"
    r"dotnet\s+(?:build|publish)|(?:npm|yarn|pnpm)\s+(?:run\s+)?build)\b")


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    for stage in lineage(doc):
        for instr in stage.all("RUN"):
            for cmd in commands(instr):
                env_free = re.sub(r"^(\w+=\S*\s+)+", "", cmd)
                match = BUILD.match(env_free)
                if match:
                    yield doc.find(instr, re.escape(match.group(0)),
                                   f"the final stage builds ({match.group(0).strip()}): the "
                                   "toolchain and sources ship with the service")
                    break


RULE = Rule(
    id="TS-B06.2", severity="medium", checklist="B06", kinds=(DOCKERFILE,),
    message="the final stage runs a build (multi-stage build missing)",
    hint="build in a `FROM … AS build` stage and COPY --from=build only the artifact",
    check=check,
    bad="FROM golang:1.24@sha256:" + "a" * 64 + "\nCOPY main.go .\nRUN go build -o /app .\n",
    good="FROM golang:1.24@sha256:" + "a" * 64 + " AS build\nCOPY main.go .\n"
         "RUN go build -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:"
         + "a" * 64 + "\nCOPY --from=build /app /app\n",
    equivalents=Equivalents(cis="4.3"),
)
