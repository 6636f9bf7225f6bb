"""Small readers shared by the Dockerfile rules: stage lineage, key=value pairs, package words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import DockerfileDoc, Instruction, Stage, shell_words

INSTALLERS = re.compile(
    r"^(?:sudo\s+)?(?:(?:apt-get|apt|aptitude)\s+(?:-\S+\s+)*install|apk\s+(?:-\S+\s+)*add|"
    r"(?:yum|dnf|microdnf|zypper)\s+(?:-\S+\s+)*install)\b(?P<rest>.*)$", re.IGNORECASE)


def lineage(doc: DockerfileDoc, stage: Stage | None = None) -> list[Stage]:
    """The stage and the earlier stages it is built FROM, oldest first: what the image holds."""
    stage = stage or doc.final
    chain: list[Stage] = []
    while stage is not None:
        chain.insert(0, stage)
        parent = None
        for earlier in doc.stages[:stage.index]:
            if earlier.name and earlier.name.lower() == stage.base.lower():
                parent = earlier
        stage = parent
    return chain


def final_instructions(doc: DockerfileDoc) -> list[Instruction]:
    return [i for s in lineage(doc) for i in s.instructions]


def pairs(instr: Instruction) -> list[tuple[str, str]]:
    """ENV/LABEL/ARG `k=v k2="v 2"` (or the legacy `ENV k v`) as (key, value) pairs."""
    text = instr.value.strip()
    words = shell_words(text)
    if instr.keyword in ("ENV", "LABEL") and words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    found = []
    for word in words:
        key, sep, value = word.partition("=")
        found.append((key, value if sep else ""))
    return found


def installed_packages(command: str) -> list[str]:
    """The package words of an install command (`apt-get install -y a b=1` → a, b=1)."""
    match = INSTALLERS.match(command.strip())
    if not match:
        return []
    return [w for w in shell_words(match.group("rest")) if not w.startswith("-")]


def commands(instr: Instruction) -> Iterator[str]:
    from generator.check.documents import run_commands
    yield from run_commands(instr)
