"""TS-B04.3: package lists and caches do not stay in the final image.

A RUN leaves none behind when it removes them, or when BuildKit mounts a cache or tmpfs over
where they go (RUN --mount=type=cache,target=/var/lib/apt …), which is Docker's own pattern
for fast apt builds: what is under the mount never enters the layer. apt's downloaded .debs
count once the image's docker-clean hook (which deletes them) has been removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from generator.check.dfutil import lineage
from generator.check.documents import DockerfileDoc, Instruction, run_script
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule
from generator.check.shell import Command

APT = {"apt-get", "apt", "aptitude"}
DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"


def mounted(instr: Instruction) -> set[str]:
    """Targets of the RUN's cache and tmpfs mounts, normalised (no trailing slash)."""
    targets = set()
    for match in re.finditer(r"--mount=(\S+)", instr.value):
        options = dict(o.partition("=")[::2] for o in match.group(1).split(","))
        if options.get("type") in ("cache", "tmpfs"):
            target = options.get("target") or options.get("dst") or options.get("destination")
            if target:
                targets.add(target.rstrip("/") or "/")
    return targets


def _removes(commands: Iterable[Command], path: str) -> bool:
    return any(c.name == "rm" and any(a.rstrip("/*") == path or a.startswith(path + "/")
                                      for a in c.args) for c in commands)


def _apt(commands: Iterable[Command], sub: str) -> bool:
    return any(c.name in APT and c.subcommand() == sub for c in commands)


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if doc.final is None:
        return
    clean_hook_removed = False
    for stage in lineage(doc):  # only what ships: build stages may keep their caches
        for instr in stage.all("RUN"):
            cmds = run_script(instr).commands
            targets = mounted(instr)
            if _removes(cmds, DOCKER_CLEAN):
                clean_hook_removed = True
            lists_kept = {"/var/lib/apt", "/var/lib/apt/lists"} & targets or \
                _removes(cmds, "/var/lib/apt/lists") or _removes(cmds, "/var/lib/apt")
            if _apt(cmds, "update") and not lists_kept:
                yield doc.find(instr, r"apt(-get|itude)?\s+(-\S+\s+)*update",
                               "apt package lists are left in the final image "
                               "(no rm -rf /var/lib/apt/lists/* in the same RUN, and no cache "
                               "mount over them)")
            debs_kept = {"/var/cache/apt", "/var/cache/apt/archives"} & targets or \
                _apt(cmds, "clean") or _removes(cmds, "/var/cache/apt")
            if clean_hook_removed and _apt(cmds, "install") and not debs_kept:
                yield doc.find(instr, r"apt(-get|itude)?\s+(-\S+\s+)*install",
                               "downloaded .deb files stay in the image: docker-clean is "
                               "removed and /var/cache/apt is neither mounted nor cleaned")
            for c in cmds:
                if c.name == "apk" and c.subcommand() == "add" and \
                        not c.has_option("--no-cache") and "/var/cache/apk" not in targets:
                    yield doc.find(instr, r"apk\s+(-\S+\s+)*add",
                                   "apk add without --no-cache leaves the index in the image")


RULE = Rule(
    id="TS-B04.3", severity="low", checklist="B04", kinds=(DOCKERFILE,),
    message="package lists or caches left in the final image",
    hint="end the RUN with && rm -rf /var/lib/apt/lists/* (or mount a BuildKit cache over "
         "/var/lib/apt and /var/cache/apt); apk: use --no-cache",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "--no-install-recommends curl\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(hadolint="DL3009, DL3019"),
)
