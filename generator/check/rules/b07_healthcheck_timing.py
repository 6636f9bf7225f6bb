"""TS-B07.2: a HEALTHCHECK says its interval, timeout and retries."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Hit, Rule

NEEDED = ("interval", "timeout", "retries")


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword != "HEALTHCHECK" or instr.value.strip().upper() == "NONE":
            continue
        flags = instr.flags()
        missing = [f"--{name}" for name in NEEDED if name not in flags]
        if missing:
            yield doc.at(instr, f"HEALTHCHECK without {', '.join(missing)}: the defaults "
                                "(30s, 30s, 3) rarely fit the service")


RULE = Rule(
    id="TS-B07.2", severity="low", checklist="B07", kinds=(DOCKERFILE,),
    message="HEALTHCHECK without explicit --interval, --timeout and --retries",
    hint="give --interval, --timeout and --retries that suit the service",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nHEALTHCHECK CMD [\"app\", \"--health\"]\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nHEALTHCHECK --interval=30s --timeout=5s "
         "--retries=3 CMD [\"app\", \"--health\"]\n",
)
