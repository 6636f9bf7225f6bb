"""TS-B02: base images come only from the registries the profile allows."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import DockerfileDoc
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule
from generator.check.rules.b01_base_pinned import split_image
from generator.imageref import parse_ref


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    earlier: set[str] = set()
    for stage in doc.stages:
        image = stage.base
        if not (image.lower() in earlier or image == "scratch" or "$" in image):
            name, tag, _ = split_image(image)
            try:
                ref = parse_ref(f"{name}:{tag}" if tag else name)
            except ValueError:
                ref = None
            if ref is None or not ref.allowed_by(list(ctx.allowed_registries)):
                yield doc.find(stage.instructions[0], r"\s\S",
                               f"base image {image} is not from an allowed registry "
                               f"({', '.join(ctx.allowed_registries)})")
        if stage.name:
            earlier.add(stage.name.lower())


RULE = Rule(
    id="TS-B02", severity="high", checklist="B02", kinds=(DOCKERFILE,),
    message="base image from a registry the profile does not allow",
    hint="use one of the profile's approved images, or add the registry to allowed_registries",
    check=check,
    bad="FROM quay.io/someone/python:3.12@sha256:" + "a" * 64 + "\n",
    good="FROM python:3.12-slim@sha256:" + "a" * 64 + "\n",
    equivalents=Equivalents(cis="4.2 (trusted base images)", hadolint="DL3026"),
    doc="The allowed registries come from the profile (`allowed_registries`, given as "
        "`registry/namespace` prefixes); the default profile allows Docker Hub's official "
        "images and distroless.",
)
