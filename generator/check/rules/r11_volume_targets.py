"""TS-R11.3: no volume (named, claim, emptyDir…) over a system folder, none writable inside one.

A safe volume holds the service's own data in a folder of its own (/data, /var/lib/app). One
mounted at /etc, /usr, /bin or / replaces the image's files with whatever the volume holds, and
a writable one inside such a folder lets the service rewrite system files, read-only root
filesystem or not. A read-only configuration folder (/etc/app:ro) is fine.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from generator.check.documents import YamlDoc, YamlMap, at_item, is_true, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
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


def unsafe(path: str, read_only: bool) -> str | None:
    """What a mount at `path` would do to the image's system files, or None."""
    folder = system_target(path)
    if folder is None:
        return None
    if posixpath.normpath(path) == folder:
        return f"it replaces the image's {folder}"
    return None if read_only else f"it makes part of the image's {folder} writable"


def _compose_targets(service: YamlMap) -> Iterator[tuple[int, str, bool]]:
    """(index, target, read-only) of each compose volume, short or long syntax."""
    for i, item in enumerate(seq(service.get("volumes"))):
        if isinstance(item, dict):
            yield i, str(item.get("target", "")), item.get("read_only") is True
        else:
            parts = str(item).split(":")
            options = parts[2].split(",") if len(parts) > 2 else []
            yield i, parts[1] if len(parts) > 1 else parts[0], "ro" in options


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            items = w.node.get("volumes")
            for i, target, read_only in _compose_targets(w.node):
                what = unsafe(target, read_only)
                if what:
                    yield at_item(items, i, f"{w.name} mounts a volume at {target}: {what}")
            continue
        mounts = w.node.get("volumeMounts")
        for i, mount in enumerate(seq(mounts)):
            if not isinstance(mount, dict):
                continue
            target = str(mount.get("mountPath", ""))
            what = unsafe(target, is_true(mount.get("readOnly")))
            if what:
                yield at_item(mounts, i, f"{w.name} mounts volume {mount.get('name')} at "
                                         f"{target}: {what}")


RULE = Rule(
    id="TS-R11.3", severity="high", checklist="R11", kinds=(COMPOSE, KUBERNETES),
    message="a volume replaces a system directory (/, /etc, /usr…) or is writable inside one",
    hint="mount data on a folder of the service's own (/data, /var/lib/APP); configuration "
         "read-only in a subfolder (/etc/APP:ro)",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    volumes: [\"data:/etc/app\"]\n"
        "volumes:\n  data: {}\n",
    good="services:\n  app:\n    image: app:1\n    volumes: [\"data:/var/lib/app\"]\n"
         "volumes:\n  data: {}\n",
    equivalents=Equivalents(cis="5.5"),
)
