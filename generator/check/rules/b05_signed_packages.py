"""TS-B05: packages come only from signed sources, over verified TLS."""

from __future__ import annotations

import re

from generator.check.dfutil import pairs
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Equivalents, Rule

# (pattern in a RUN, what it does)
RUN_PATTERNS = [
    (r"--allow-unauthenticated\b", "installs unauthenticated apt packages"),
    (r"--allow-insecure-repositories\b", "allows unsigned apt repositories"),
    (r"--force-yes\b", "--force-yes accepts unauthenticated apt packages"),
    (r"\[\s*trusted=yes\s*\]", "marks an apt source as trusted without a signature"),
    (r"AllowUnauthenticated\s*[= ]\s*\"?true", "allows unauthenticated apt packages"),
    (r"--trusted-host\b", "pip --trusted-host skips TLS verification"),
    (r"--allow-untrusted\b", "apk --allow-untrusted installs unsigned packages"),
    (r"--nogpgcheck\b|gpgcheck\s*=\s*0", "installs packages without checking signatures"),
    (r"--nosignature\b", "rpm --nosignature skips signature checks"),
    (r"\bcurl\b[^|;&]*\s(-k|--insecure)\b", "curl --insecure skips TLS verification"),
    (r"\bwget\b[^|;&]*--no-check-certificate\b", "wget --no-check-certificate skips TLS "
                                                   "verification"),
    (r"strict-ssl\s+false", "npm strict-ssl false skips TLS verification"),
    (r"sslVerify\s+false", "git http.sslVerify false skips TLS verification"),
]
ENV_NAMES = {
    "PIP_TRUSTED_HOST": lambda v: True,
    "NODE_TLS_REJECT_UNAUTHORIZED": lambda v: v.strip("'\"") == "0",
    "GIT_SSL_NO_VERIFY": lambda v: v.strip("'\"").lower() not in ("", "0", "false"),
    "PYTHONHTTPSVERIFY": lambda v: v.strip("'\"") == "0",
    "NPM_CONFIG_STRICT_SSL": lambda v: v.strip("'\"").lower() == "false",
}


def check(doc: DockerfileDoc, ctx):
    for instr in doc.instructions:
        if instr.keyword == "RUN":
            for pattern, what in RUN_PATTERNS:
                if re.search(pattern, instr.value, re.IGNORECASE):
                    yield doc.find(instr, pattern, f"RUN {what}")
        elif instr.keyword in ("ENV", "ARG"):
            for key, value in pairs(instr):
                test = ENV_NAMES.get(key.upper())
                if test and test(value):
                    yield doc.find(instr, re.escape(key), f"{instr.keyword} {key}={value} "
                                   "turns off package or TLS verification")


RULE = Rule(
    id="TS-B05", severity="high", checklist="B05", kinds=(DOCKERFILE,),
    message="packages installed without signature or TLS verification",
    hint="drop the flag; add the repository's signing key instead of trusting it blindly",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "--allow-unauthenticated --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(cis="4.11", checkov="CKV2_DOCKER_2..17 (TLS/signature checks "
                                                 "turned off)"),
)
