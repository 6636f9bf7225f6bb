"""TS-B12: one service process per container: no supervisors, no background daemons."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator

from generator.check.dfutil import final_instructions
from generator.check.documents import DockerfileDoc, Instruction
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule

SEVERAL = re.compile(
    r"supervisord|\bservice\s+\S+\s+start\b|\bsystemctl\b|/sbin/init\b|\brunsvdir\b|"
    r"\bs6-svscan\b|^(init|systemd)$|\bcron\b.*&&|(?<![&|>])&(?![&>])")


SHELLS = {"sh", "bash", "dash", "ash", "zsh", "ksh"}
PROGRAMS = re.compile(r"^(supervisord|init|systemd|runsvdir|s6-svscan)$")


def _shell_text(instr: Instruction) -> str | None:
    """What a shell would interpret: the shell form, or an exec form's `sh -c SCRIPT`.

    An exec form's arguments reach the program as they are (`&` is only a word), so only the
    program itself is looked at there."""
    body = instr.args()
    if not instr.exec_form:
        return body
    try:
        argv = [str(a) for a in json.loads(body)]
    except ValueError:
        return body
    if not argv:
        return None
    if posixpath.basename(argv[0]) in SHELLS and "-c" in argv[1:]:
        return " ".join(argv[argv.index("-c") + 1:])
    program = posixpath.basename(argv[0])
    return program if PROGRAMS.match(program) else None


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    for instr in final_instructions(doc):
        if instr.keyword in ("CMD", "ENTRYPOINT"):
            body = _shell_text(instr)
            match = SEVERAL.search(body) if body is not None else None
            if match:
                yield doc.find(instr, re.escape(match.group(0)),
                               f"{instr.keyword} starts several processes "
                               f"({match.group(0).strip()})")


RULE = Rule(
    id="TS-B12", severity="medium", checklist="B12", kinds=(DOCKERFILE,),
    message="the container starts several processes (supervisor, init, backgrounded daemon)",
    hint="run one service per container; split the others into their own containers",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD service nginx start && app\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nCMD [\"app\"]\n",
    equivalents=Equivalents(cis="5.6 (no sshd alongside)"),
)
