"""TS-B01: every base image is pinned by digest and keeps a tag for readers."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """`name:tag@sha256:…` → (name, tag, digest)."""
    name, _, digest = image.partition("@")
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    return name, tag, digest or None


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    earlier: set[str] = set()
    for stage in doc.stages:
        image = stage.base
        from_instr = stage.instructions[0]
        if image.lower() in earlier or image == "scratch" or "$" in image:
            pass  # a previous stage, the empty image, or a name only known at build time
        else:
            _, tag, digest = split_image(image)
            if digest is None and tag == "latest":
                yield doc.find(from_instr, r":latest\b",
                               f"base image {image} uses the moving tag 'latest'")
            elif digest is None:
                yield doc.find(from_instr, r"\s\S", f"base image {image} is not pinned by digest")
        if stage.name:
            earlier.add(stage.name.lower())


RULE = Rule(
    id="TS-B01", severity="high", checklist="B01", kinds=(DOCKERFILE,),
    message="base image not pinned by digest (or tagged 'latest' / untagged)",
    hint="write FROM name:tag@sha256:<digest>; `tightship pin` looks the digest up",
    check=check,
    bad="FROM python:latest\n",
    good="FROM python:3.12-slim@sha256:" + "a" * 64 + "\n",
    equivalents=Equivalents(cis="4.2 (trusted base images)", hadolint="DL3006, DL3007",
                            checkov="CKV_DOCKER_7"),
    doc="A tag can be moved to other content at any time; a digest cannot, so a tag alone "
        "is reported (hadolint's DL3006 is content with one). The tag stays "
        "beside the digest so a reader knows what it is, but a digest alone pins just as "
        "well and passes; so does a tag (even 'latest') next to the digest. FROM lines "
        "built from an ARG are "
        "skipped unless the ARG has a default before the first FROM.",
)
