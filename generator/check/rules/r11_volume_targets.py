"""TS-R11.3: a volume (named, claim, emptyDir, tmpfs…) is never mounted over a system folder.

A safe volume holds the service's own data in a folder of its own (/data, /var/lib/app): one
mounted over /etc, /usr, /bin or / replaces the image's files with whatever the volume holds,
and a writable one lets the service rewrite them, read-only root filesystem or not.
"""

from __future__ import annotations

import posixpath

from generator.check.documents import at_item, seq
from generator.check.model import COMPOSE, KUBERNETES, Equivalents, Rule
from generator.check.workloads import workloads
from generator.values import SYSTEM_DIRS

# The one system path meant to take a mount: POSIX shared memory (an emptyDir, medium Memory).
SHARED_MEMORY = "/dev/shm"


def system_target(path: str) -> str | None:
    """The system folder a mount at `path` would cover, or None."""
    if not path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal == SHARED_MEMORY:
        return None
    if normal in ("/", "//"):
        return "/"
    return next((d for d in SYSTEM_DIRS if normal == d or normal.startswith(d + "/")), None)


def _compose_targets(service: dict):
    for i, item in enumerate(seq(service.get("volumes"))):
        if isinstance(item, dict):
            yield i, str(item.get("target", ""))
        else:
            parts = str(item).split(":")
            yield i, parts[1] if len(parts) > 1 else parts[0]


def check(doc, ctx):
    for w in workloads(doc):
        if w.compose:
            items = w.node.get("volumes")
            for i, target in _compose_targets(w.node):
                folder = system_target(target)
                if folder:
                    yield at_item(items, i, f"{w.name} mounts a volume at {target}, over the "
                                            f"image's {folder}")
            continue
        mounts = w.node.get("volumeMounts")
        for i, mount in enumerate(seq(mounts)):
            target = str(mount.get("mountPath", "")) if isinstance(mount, dict) else ""
            folder = system_target(target)
            if folder:
                yield at_item(mounts, i, f"{w.name} mounts volume {mount.get('name')} at "
                                         f"{target}, over the image's {folder}")


RULE = Rule(
    id="TS-R11.3", severity="high", checklist="R11", kinds=(COMPOSE, KUBERNETES),
    message="a volume is mounted over a system folder (/, /etc, /usr, /bin…)",
    hint="mount the volume on a folder of the service's own, such as /data or /var/lib/APP",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    volumes: [\"data:/etc/app\"]\n"
        "volumes:\n  data: {}\n",
    good="services:\n  app:\n    image: app:1\n    volumes: [\"data:/var/lib/app\"]\n"
         "volumes:\n  data: {}\n",
    equivalents=Equivalents(cis="5.5"),
)
