"""TS-B09.2: no keys, .env files or credentials copied into an image."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from generator.check.documents import DockerfileDoc, shell_words
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

SECRET_FILE = re.compile(
    r"^(\.env(\..+)?|.*\.(pem|key|p12|pfx)|id_(rsa|dsa|ecdsa|ed25519)(\.pub)?|\.npmrc|\.pypirc|"
    r"\.netrc|\.aws|\.ssh|\.docker|credentials(\.json)?|\.git-credentials|\.htpasswd)$")


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword not in ("COPY", "ADD") or "from" in instr.flags():
            continue
        words = shell_words(instr.args())
        for source in words[:-1]:
            name = posixpath.basename(source.rstrip("/"))
            if SECRET_FILE.match(name):
                yield doc.find(instr, re.escape(source),
                               f"{instr.keyword} {source} puts a secret into the image")


RULE = Rule(
    id="TS-B09.2", severity="high", checklist="B09", kinds=(DOCKERFILE,),
    message="a key, .env file or credential file is copied into the image",
    hint="mount it at run time (a secret), or at build time with RUN --mount=type=secret",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCOPY .env /app/.env\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCOPY config.toml /app/config.toml\n",
    equivalents=Equivalents(cis="4.10"),
)
