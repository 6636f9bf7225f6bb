"""TS-B14: a RUN with a pipe runs under `pipefail`, so a failing first command fails the build.

Only POSIX-style shells have pipes in this sense: under SHELL ["pwsh", …], powershell or
cmd.exe a `|` is that shell's own and the rule does not apply. `pipefail` counts where the
shell has it (bash, zsh, ksh, mksh, busybox ash); plain sh (dash) is not relied on for it.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator

from generator.check.dfutil import lineage
from generator.check.documents import DockerfileDoc, Instruction, run_script
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

NOT_POSIX = {"pwsh", "powershell", "cmd"}
HAS_PIPEFAIL = {"bash", "zsh", "ksh", "mksh", "ash", "busybox"}


def shell_argv(instr: Instruction) -> list[str]:
    try:
        argv = json.loads(instr.args())
    except ValueError:
        return instr.args().split()
    return [str(a) for a in argv] if isinstance(argv, list) else []


def program(argv: list[str]) -> str:
    """`C:\\Windows\\…\\powershell.exe` or `/usr/bin/bash` → powershell, bash."""
    name = posixpath.basename(argv[0].replace("\\", "/")).lower() if argv else ""
    return name[:-4] if name.endswith(".exe") else name


def _pipefail(argv: list[str]) -> bool:
    return program(argv) in HAS_PIPEFAIL and any(
        a == "pipefail" and i > 0 and argv[i - 1].startswith("-") and argv[i - 1].endswith("o")
        for i, a in enumerate(argv))


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for stage in doc.stages:
        shells = [i for s in lineage(doc, stage) for i in s.instructions if i.keyword == "SHELL"]
        for instr in stage.instructions:
            if instr.keyword == "SHELL":
                shells.append(instr)
            if instr.keyword != "RUN" or instr.exec_form:
                continue
            earlier = [s for s in shells if s.line < instr.line]
            argv = shell_argv(earlier[-1]) if earlier else ["/bin/sh", "-c"]
            if program(argv) in NOT_POSIX or _pipefail(argv):
                continue
            script = run_script(instr)
            if not script.pipes or script.pipefail_set:
                continue
            yield doc.find(instr, r"(?<!\|)\|(?!\|)", "RUN uses a pipe without pipefail: a "
                                                     "failure before the last command is "
                                                     "ignored")


RULE = Rule(
    id="TS-B14", severity="low", checklist="B14", kinds=(DOCKERFILE,),
    message="RUN with a pipe, but the shell has no pipefail",
    hint="put SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before it (or start the RUN "
         "with set -o pipefail &&)",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN curl -fsSL https://example.com/a | "
        "tar -xz\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nSHELL [\"/bin/bash\", \"-o\", "
         "\"pipefail\", \"-c\"]\nRUN curl -fsSL https://example.com/a | tar -xz\n",
    equivalents=Equivalents(hadolint="DL4006"),
    doc="Under SHELL [\"pwsh\", …], powershell or cmd.exe the rule does not apply. `-o "
        "pipefail` on /bin/sh is not counted: dash, Debian's sh, did not have it before "
        "0.5.11, so use bash (or zsh, ksh, ash) for it.",
)
