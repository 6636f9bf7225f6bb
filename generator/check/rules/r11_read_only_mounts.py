"""TS-R11.2: host bind mounts are read-only."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, is_true, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import compose_volumes, workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            volumes = w.node.get("volumes")
            for i, source, target, read_only in compose_volumes(w.node):
                if not read_only:
                    yield at_item(volumes, i, f"{w.name} bind-mounts {source} writable at "
                                              f"{target}")
        else:
            host_volumes = {str(v.get("name")) for v in seq(w.pod.get("volumes"))
                            if isinstance(v, dict) and "hostPath" in v}
            mounts = w.node.get("volumeMounts")
            for i, mount in enumerate(seq(mounts)):
                if isinstance(mount, dict) and str(mount.get("name")) in host_volumes \
                        and not is_true(mount.get("readOnly")):
                    yield at_item(mounts, i, f"{w.name} mounts host volume {mount.get('name')} "
                                             "writable")


RULE = Rule(
    id="TS-R11.2", severity="low", checklist="R11", kinds=(COMPOSE, KUBERNETES),
    message="a host path is mounted writable",
    hint="add :ro (compose) or readOnly: true (Kubernetes); write to a volume instead",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    volumes: [\"./config:/config\"]\n",
    good="services:\n  app:\n    image: app:1\n    volumes: [\"./config:/config:ro\"]\n",
    equivalents=Equivalents(cis="5.5"),
)
