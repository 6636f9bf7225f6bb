"""Positions read by libyaml give the very findings ruamel's round-trip loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import yamlread
from generator.check.checker import check_paths, check_texts
from generator.check.model import Context
from generator.render.pipeline import render_service
from generator.render.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "tests" / "corpus", ROOT / "tests" / "peers", ROOT / "examples"]


def _findings(fast: bool, monkeypatch: pytest.MonkeyPatch, run) -> list[tuple]:
    monkeypatch.setattr(yamlread, "POSITIONS_BY_LIBYAML", fast)
    return [(f.rule, f.file, f.line, f.column, f.message, f.suppressed) for f in run()]


def test_files_on_disk_give_the_same_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = Context.from_profile(load_profile("default"))
    folders = [f for f in FOLDERS if f.is_dir()]

    def run() -> list:
        return check_paths(folders, ctx)[0]

    slow = _findings(False, monkeypatch, run)
    assert len(slow) > 100  # the corpus has planted mistakes at known lines
    assert _findings(True, monkeypatch, run) == slow


def test_rendered_files_with_mistakes_give_the_same_findings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = Context.from_profile(load_profile("default"))
    files = {}
    for example in ("python", "node", "go"):
        rendered = render_service(ROOT / "examples" / example / "tightship.yaml", "default")
        for name, text in rendered.items():  # break each file so rules have lines to report
            files[f"{example}/{name}"] = text.replace("readOnlyRootFilesystem: true",
                                                      "readOnlyRootFilesystem: false") \
                .replace("runAsNonRoot: true", "privileged: true").replace(
                    '"defaultAction": "SCMP_ACT_ERRNO"', '"defaultAction": "SCMP_ACT_ALLOW"')

    def run() -> list:
        return check_texts(files, ctx)

    slow = _findings(False, monkeypatch, run)
    assert slow
    assert _findings(True, monkeypatch, run) == slow
