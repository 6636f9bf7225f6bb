"""TS-B01.2: compose services and Kubernetes containers name an image version, never `latest`."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_value
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.rules.b01_base_pinned import split_image
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        image = w.node.get("image")
        if image is None or "$" in str(image):
            continue  # compose may build it; an interpolated name is only known at run time
        _, tag, digest = split_image(str(image))
        if tag == "latest" and not digest:
            yield at_value(w.node, "image", f"{w.name} runs {image}: 'latest' moves")
        elif tag is None and not digest:
            yield at_value(w.node, "image", f"{w.name} runs {image} with no tag (latest)")


RULE = Rule(
    id="TS-B01.2", severity="medium", checklist="B01", kinds=(COMPOSE, KUBERNETES),
    message="a service runs an image tagged 'latest' or not tagged at all",
    hint="name the version (and, best, the digest): image: shop/web:1.4.2@sha256:…",
    check=check,
    bad="services:\n  app:\n    image: shop/web:latest\n",
    good="services:\n  app:\n    image: shop/web:1.4.2\n",
    equivalents=Equivalents(cis="5.27", checkov="CKV_K8S_14"),
    doc="A digest is better still (checkov CKV_K8S_43), but it is not required here: the "
        "image a service runs is usually built from its own pinned Dockerfile and tagged by "
        "release, and the generator writes the digest whenever the answers give one.",
)
