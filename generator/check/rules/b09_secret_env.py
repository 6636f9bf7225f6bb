"""TS-B09: no secret-looking ENV or ARG: both are readable in the image's history."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import pairs
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule
from generator.check.secrets import points_to_file, secret_name, secret_value


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword not in ("ENV", "ARG"):
            continue
        for key, value in pairs(instr):
            if secret_value(value):
                yield doc.find(instr, r"(?<![\w])" + re.escape(key) + r"\b",
                               f"{instr.keyword} {key} holds a private key or access key: it "
                               "stays in the image and its history")
            elif secret_name(key) and not (instr.keyword == "ENV" and points_to_file(value)):
                yield doc.find(instr, r"(?<![\w])" + re.escape(key) + r"\b",
                               f"{instr.keyword} {key} looks like a secret: it stays in the "
                               "image and its history")


RULE = Rule(
    id="TS-B09", severity="high", checklist="B09", kinds=(DOCKERFILE,),
    message="a secret-looking ENV or ARG",
    hint="mount build secrets with RUN --mount=type=secret,id=NAME; give run-time secrets as "
         "mounted files",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nENV API_TOKEN=abc123\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nENV API_TOKEN_FILE=/run/secrets/api_token\n",
    equivalents=Equivalents(cis="4.10", hadolint="DL3064",
                            checkov="CKV_SECRET_* (secret values)"),
    doc="Names are matched like the generator's own refusal of secret-looking `env` answers, "
        "plus well-known credential names (AWS_ACCESS_KEY_ID, OCI_CLI_KEY_CONTENT…); names "
        "ending in _FILE, _PATH, _DIR, _ID or _NAME point at a secret and are allowed, and so "
        "is an ENV whose value is a secret file's path (/run/secrets/…). A private key or "
        "access key in the value counts under any name. "
        "An ARG counts even without a default: the value given at build time is recorded.",
)
