"""TS-B05.2: no script downloaded and piped straight into a shell."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

PIPE_TO_SHELL = re.compile(
    r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(-\S+\s+)?(/usr)?(/bin/)?(ba|da|z|k|a)?sh\b",
    re.IGNORECASE)


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword == "RUN" and PIPE_TO_SHELL.search(instr.value):
            yield doc.find(instr, PIPE_TO_SHELL, "RUN pipes a downloaded script into a shell: "
                           "nothing checks what runs")


RULE = Rule(
    id="TS-B05.2", severity="high", checklist="B05", kinds=(DOCKERFILE,),
    message="a downloaded script is piped into a shell (curl … | sh)",
    hint="download to a file, check its checksum or signature, then run it",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 +
        "\nRUN curl -fsSL https://get.example.com | sh\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN curl -fsSLo /tmp/i.sh "
         "https://get.example.com && echo \"" + "b" * 64 + "  /tmp/i.sh\" | sha256sum -c - "
         "&& sh /tmp/i.sh\n",
    equivalents=Equivalents(cis="4.11"),
)
