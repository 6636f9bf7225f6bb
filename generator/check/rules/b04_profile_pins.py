"""TS-B04.4: a package the profile pins is installed at that version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.dfutil import commands, installed_packages
from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    if not ctx.package_pins:
        return
    for instr in doc.instructions:
        if instr.keyword != "RUN":
            continue
        for cmd in commands(instr):
            for word in installed_packages(cmd):
                name, _, version = word.partition("=")
                want = ctx.package_pins.get(name)
                if want is not None and version != want:
                    yield doc.find(instr, r"(?<![\w.+-])" + re.escape(word) + r"(?![\w.+=-])",
                                   f"{name} is installed as {version or 'unpinned'}; "
                                   f"the profile pins {name}={want}")


RULE = Rule(
    id="TS-B04.4", severity="low", checklist="B04", kinds=(DOCKERFILE,),
    message="a package the profile pins is installed at another version",
    hint="install it as NAME=VERSION with the version from the profile's package_pins",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(hadolint="DL3008 (any unpinned package)"),
    example_context={"package_pins": {"curl": "7.88.1-10+deb12u8"}},
    doc="Only packages the profile pins (`package_pins`) are held to a version; pinning every "
        "package by hand (hadolint DL3008) is left to the profile, because the digest-pinned "
        "base image already fixes the Debian release.",
)
