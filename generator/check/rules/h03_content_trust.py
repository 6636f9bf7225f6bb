"""TS-H03: a gate or pipeline does not rely on Docker Content Trust to check signatures.

Docker retired Content Trust: the 29.x CLI no longer validates it and Docker Hub's Notary
service is shut down, so `DOCKER_CONTENT_TRUST=1` verifies nothing while looking as if it did.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import TextDoc
from generator.check.model import PIPELINE, Context, Equivalents, Hit, Rule

# Turned on in a shell (export/env/prefix) or a pipeline's env mapping (`KEY: "1"`).
ENABLED = re.compile(r"""\bDOCKER_CONTENT_TRUST\s*[=:]\s*["']?(1|true)\b""", re.IGNORECASE)
TRUST_COMMAND = re.compile(r"\bdocker\s+trust\s+(sign|inspect|key|signer|revoke)\b")


def check(doc: TextDoc, ctx: Context) -> Iterator[Hit]:
    for number, text in doc.numbered():
        if text.lstrip().startswith("#"):  # a comment relies on nothing
            continue
        match = ENABLED.search(text) or TRUST_COMMAND.search(text)
        if match:
            what = ("DOCKER_CONTENT_TRUST is turned on" if match.re is ENABLED else
                    f"`{match.group(0)}` needs Docker Content Trust")
            yield Hit(number, match.start() + 1,
                      f"{what}, yet Content Trust verifies nothing any more")


RULE = Rule(
    id="TS-H03", severity="high", checklist="H03", kinds=(PIPELINE,),
    message="the pipeline relies on Docker Content Trust, which verifies nothing any more",
    hint="verify each base image by digest before the build: `cosign verify --key KEY "
         "IMAGE@DIGEST` (or keyless: --certificate-identity and --certificate-oidc-issuer), or "
         "`notation verify IMAGE@DIGEST`; tightship's gate does this from the profile's "
         "images.KEY.signature",
    check=check,
    bad="#!/bin/sh\nset -eu\nexport DOCKER_CONTENT_TRUST=1\ndocker build -t app .\n",
    good="#!/bin/sh\nset -eu\ncosign verify --key cosign.pub python:3.13@sha256:"
         + "0" * 64 + "\ndocker build -t app .\n",
    doc="Reads shell scripts (*.sh), GitLab CI (.gitlab-ci.yml) and GitHub workflows "
        "(.github/workflows/*.yml). It does not judge what replaces Content Trust.",
    equivalents=Equivalents(cis="4.5 (Content trust for Docker is enabled; retired)"),
)
