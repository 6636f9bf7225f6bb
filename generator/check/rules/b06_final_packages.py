"""TS-B06: no ssh server, editors, compilers or sudo in the final image, and no RUN through sudo."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import commands, installed_packages, lineage
from generator.check.documents import DockerfileDoc, run_script
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

UNNEEDED = {
    "openssh-server": "an ssh server", "openssh": "an ssh server", "dropbear": "an ssh server",
    "telnetd": "a telnet server", "vim": "an editor", "vim-tiny": "an editor", "nano": "an editor",
    "emacs": "an editor", "emacs-nox": "an editor", "sudo": "sudo", "gcc": "a compiler",
    "g++": "a compiler", "clang": "a compiler", "build-essential": "a compiler toolchain",
    "build-base": "a compiler toolchain", "make": "a build tool", "cmake": "a build tool",
}


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    for instr in doc.instructions:  # any stage: a RUN already runs as the stage's USER
        if instr.keyword == "RUN" and any(c.sudo or c.name in ("sudo", "doas")
                                          for c in run_script(instr).commands):
            yield doc.find(instr, r"\b(sudo|doas)\b", "RUN runs a command through sudo: use "
                                                      "USER root for that step instead")
    for stage in lineage(doc):
        for instr in stage.all("RUN"):
            for cmd in commands(instr):
                for word in installed_packages(cmd):
                    name = re.split(r"[=<>]", word, maxsplit=1)[0].lower()
                    if name in UNNEEDED:
                        yield doc.find(instr, r"(?<![\w.+-])" + re.escape(word) + r"(?![\w.+-])",
                                       f"the final image installs {word}: {UNNEEDED[name]} the "
                                       "service does not need")


RULE = Rule(
    id="TS-B06", severity="medium", checklist="B06", kinds=(DOCKERFILE,),
    message="the final image installs an ssh server, editor, compiler or sudo (or a RUN uses "
            "sudo)",
    hint="install build tools in a build stage and copy only the result; drop servers and editors",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "--no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(cis="4.3, 5.6 (sshd)", hadolint="DL3004 (sudo)",
                            checkov="CKV2_DOCKER_1 (sudo)"),
    doc=("Installing sudo in the final image is reported (as checkov's CKV2_DOCKER_1 does), "
         "and so is running a command through sudo in any stage (hadolint's DL3004): a build "
         "step that needs root says USER root."),
)
