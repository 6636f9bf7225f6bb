"""TS-B12.2: CMD and ENTRYPOINT in exec form, so signals reach the service."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import final_instructions
from generator.check.documents import DockerfileDoc, Instruction
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule


def _healthcheck_command(instr: Instruction) -> str | None:
    """The command of `HEALTHCHECK [--opts] CMD …` (None for HEALTHCHECK NONE)."""
    match = re.match(r"(?:--\S+\s+)*CMD\s+(.*)$", instr.value.strip(), re.IGNORECASE | re.DOTALL)
    return match.group(1).strip() if match else None


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    for instr in final_instructions(doc):
        if instr.keyword in ("CMD", "ENTRYPOINT") and not instr.exec_form:
            yield doc.at(instr, f"{instr.keyword} in shell form: a shell is PID 1 and the "
                                "service never sees SIGTERM")
        elif instr.keyword == "HEALTHCHECK":
            command = _healthcheck_command(instr)
            if command is not None and not command.startswith("["):
                yield doc.at(instr, "HEALTHCHECK CMD in shell form: it needs /bin/sh in the "
                                    "image, and the shell's exit code hides the check's")


RULE = Rule(
    id="TS-B12.2", severity="low", checklist="B12", kinds=(DOCKERFILE,),
    message="CMD, ENTRYPOINT or HEALTHCHECK CMD in shell form",
    hint="write the JSON exec form: CMD [\"app\", \"--flag\"]",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD app --serve\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD [\"app\", \"--serve\"]\n",
    equivalents=Equivalents(hadolint="DL3025"),
)
