"""Which Kubernetes documents are deployed together, for rules that look across documents
(a NetworkPolicy, a namespace's labels, a ServiceAccount): the files a kustomization deploys,
otherwise the files of one folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.check.read import NotRead, ParseFailure, read_bounded
from generator.check.source import Source
from generator.check.yamlread import parse_yaml_stream


def _maybe_symlink(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:  # cannot tell: resolve it
        return True



def _real(path: Path) -> Path:
    """The path with symlinks resolved; unlike Path.resolve, never raises on a loop."""
    return Path(os.path.realpath(path))


def kustomize_groups(sources: list[Source]) -> dict[str, str]:
    """file name → the kustomization that deploys it (its folder), for cross-document rules."""
    groups: dict[str, str] = {}
    kustomizations = [(s, s.path) for s in sources if s.path is not None and
                      s.path.name.lower() in ("kustomization.yaml", "kustomization.yml")]
    if not kustomizations:  # resolving every path costs more than all the YAML
        return groups

    def resources(kfile: Path, seen: set[Path]) -> list[Path]:
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
                        out.extend(resources(_real(target / name), seen))
                        break
            elif target.is_file():
                out.append(target)
        return out

    deployed = [(src, resources(_real(path), set())) for src, path in kustomizations]
    # Only a file named like a target, or a symlink, can resolve to one: resolve just those.
    names = {target.name for _, targets in deployed for target in targets}
    by_path = {_real(s.path): s for s in sources if s.path is not None and
               (s.path.name in names or _maybe_symlink(s.path))}
    for src, targets in deployed:
        for target in targets:
            if target in by_path:
                groups.setdefault(by_path[target].name, src.name)
    return groups


def bundle_key(src: Source, groups: dict[str, str]) -> str:
    if src.name in groups:
        return "k:" + groups[src.name]
    return "d:" + os.path.dirname(src.name)

