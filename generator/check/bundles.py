"""Which Kubernetes documents are deployed together, for rules that look across documents
(a NetworkPolicy, a namespace's labels, a ServiceAccount): the files a kustomization deploys,
otherwise the files of one folder.

The kustomizations are found and read first (a walk of names, then a few small files), so the
checker knows before it reads a manifest which folders its bundle spans, and lets the bundle
go as soon as the walk has left every one of them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.check import discover as discovery
from generator.check.kinds import SKIP_DIRS, kind_of
from generator.check.model import KUBERNETES
from generator.check.read import NotRead, ParseFailure, read_bounded
from generator.check.source import Source, display
from generator.check.yamlread import parse_yaml_stream

KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml")


@dataclass
class Deployments:
    """What the kustomizations among the checked paths deploy."""

    owner: dict[str, str] = field(default_factory=dict)  # real path → its kustomization
    spans: dict[str, set[str]] = field(default_factory=dict)  # bundle → the folders it spans

    def key(self, src: Source) -> str:
        """The bundle a source belongs to: its kustomization's, or its folder's."""
        if src.path is not None and self.owner:
            owner = self.owner.get(discovery.real_path(src.path))
            if owner is not None:
                return "k:" + owner
        return "d:" + os.path.dirname(src.name)

    def folders(self, key: str) -> set[str]:
        """The folders (as shown) whose files a bundle may hold."""
        return self.spans.get(key) or {key[2:]}


def deployments(paths: Sequence[str | Path]) -> Deployments:
    """The kustomizations under `paths`, in the order the walk meets them (the first that
    deploys a file owns it), and the files each deploys."""
    found = Deployments()
    walked = discovery.iter_files(paths, lambda name: name.lower() in KUSTOMIZATIONS,
                                  SKIP_DIRS, discovery.Discovery())
    for path, _explicit in walked:
        if path.name.lower() not in KUSTOMIZATIONS:
            continue
        name = display(path)
        try:
            if kind_of(name, read_bounded(path).decode("utf-8-sig")) != KUBERNETES:
                continue  # not a manifest: it is not checked as one, so it deploys nothing
        except (NotRead, UnicodeDecodeError):
            continue
        for target in _resources(_real(path), set()):
            key = str(target)
            if key not in found.owner:
                found.owner[key] = name
                found.spans.setdefault("k:" + name, set()).add(
                    os.path.dirname(display(target)))
    return found


def _resources(kfile: Path, seen: set[Path]) -> list[Path]:
    """The files a kustomization deploys (real paths), through the kustomizations it names."""
    if kfile in seen:
        return []
    seen.add(kfile)
    try:
        nodes = parse_yaml_stream(str(kfile), read_bounded(kfile).decode("utf-8"),
                                  positions=False)
    except (NotRead, ParseFailure, UnicodeDecodeError):
        return []
    node = nodes[0] if nodes and isinstance(nodes[0], dict) else {}
    out: list[Path] = []
    for entry in list(node.get("resources") or []) + list(node.get("bases") or []):
        target = _real(kfile.parent / str(entry))
        if target.is_dir():
            for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
                if (target / name).is_file():
                    out.extend(_resources(_real(target / name), seen))
                    break
        elif target.is_file():
            out.append(target)
    return out


def _real(path: Path) -> Path:
    """The path with symlinks resolved; unlike Path.resolve, never raises on a loop."""
    return Path(os.path.realpath(path))
