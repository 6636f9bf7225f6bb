"""`check` holds no more in memory for ten times the files: each is checked as it is found."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

from generator.check.checker import check_paths
from generator.check.model import Context

D = "sha256:" + "c" * 64
PAD = "".join(f"# {i:04d} {'-' * 90}\n" for i in range(200))  # 20 kB a file: held, it shows
DOCKERFILE = (f"FROM debian:12-slim@{D}\nRUN apt-get update && apt-get install -y curl\n"
              "ADD app.tar /srv/\nUSER 0\n" + PAD)
COMPOSE = "services:\n  web:\n    image: nginx:latest\n    privileged: true\n" + PAD
MANIFEST = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            "  - name: c\n    image: nginx:1\n    securityContext: {privileged: true}\n" + PAD)


def _corpus(root: Path, folders: int) -> int:
    for i in range(folders):
        folder = root / f"app{i:03d}"
        (folder / "k8s").mkdir(parents=True)
        (folder / "Dockerfile").write_text(DOCKERFILE)
        (folder / "compose.yaml").write_text(COMPOSE)
        (folder / "k8s" / "pod.yaml").write_text(MANIFEST)
    return 3 * folders


def _kustomized_corpus(root: Path, apps: int) -> int:
    """Each app deployed by a kustomization in its own folder that names manifests in two
    sibling folders (a base and an overlay's extra), so each bundle spans three folders."""
    for i in range(apps):
        app = root / f"app{i:03d}"
        for part in ("base", "extra", "deploy"):
            (app / part).mkdir(parents=True)
        (app / "base" / "pod.yaml").write_text(MANIFEST)
        (app / "extra" / "pod.yaml").write_text(MANIFEST.replace("name: p}", "name: q}"))
        (app / "deploy" / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "resources:\n- ../base/pod.yaml\n- ../extra/pod.yaml\n" + PAD)
    return 3 * apps


def _peak(root: Path, *, warm_up: bool = False) -> tuple[int, int, int]:
    if warm_up:  # imports and caches first, so only checking is measured
        check_paths([root], Context())
    tracemalloc.start()
    try:
        findings, checked = check_paths([root], Context())
        return tracemalloc.get_traced_memory()[1], checked, len(findings)
    finally:
        tracemalloc.stop()


def _assert_flat(tmp_path: Path, corpus: Callable[[Path, int], int]) -> None:
    """Ten times the files costs at most a quarter more peak memory, besides the findings."""
    small, large = tmp_path / "small", tmp_path / "large"
    files_small, files_large = corpus(small, 8), corpus(large, 80)
    peak_small, checked_small, found_small = _peak(small, warm_up=True)
    peak_large, checked_large, found_large = _peak(large)
    assert (checked_small, checked_large) == (files_small, files_large)
    assert found_large == 10 * found_small > 0
    # the findings themselves grow with the files; the files' texts and documents must not
    per_finding = 400  # bytes a finding takes, measured about 270
    assert peak_large - peak_small < 0.25 * peak_small + per_finding * (found_large - found_small)


def test_peak_memory_stays_flat_as_the_files_grow_tenfold(tmp_path: Path) -> None:
    _assert_flat(tmp_path, _corpus)


def test_memory_stays_flat_when_kustomizations_deploy_several_folders(tmp_path: Path) -> None:
    """A bundle a kustomization ties across folders is let go once the walk has left them all,
    not held to the end of the walk."""
    _assert_flat(tmp_path, _kustomized_corpus)
