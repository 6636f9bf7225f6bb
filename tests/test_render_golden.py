"""Every example, under every built-in profile, renders to the bytes held in tests/data/golden/.

The files are what `tightship render` wrote before the YAML writer and the start-up were made
faster; a change of one byte in any file fails here. When an output is meant to change, write
the new files with `python tests/test_render_golden.py` and review the diff.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

if __name__ == "__main__":  # run as a script: the repository's root is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.cli_support import EXAMPLES, REPO, run_cli

GOLDEN = REPO / "tests" / "data" / "golden"
PROFILES = sorted(path.stem for path in (REPO / "profiles").glob("*.yaml"))
EXAMPLE_DIRS = sorted(path.parent.name for path in EXAMPLES.glob("*/tightship.yaml"))
# Combinations the profile refuses (exit 2): there is nothing to hold, only the refusal.
REFUSED = GOLDEN / "refused.txt"


def render_case(example: str, profile: str, out: Path) -> int:
    return run_cli("render", "--answers", str(EXAMPLES / example / "tightship.yaml"),
                   "--profile", profile, "--out", str(out)).code


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def refused() -> set[str]:
    return set(REFUSED.read_text(encoding="utf-8").split())


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("example", EXAMPLE_DIRS)
def test_render_matches_golden_bytes(example: str, profile: str, tmp_path: Path) -> None:
    code = render_case(example, profile, tmp_path / "out")
    case = f"{profile}/{example}"
    if case in refused():
        assert code == 2, f"{case} was refused before and now exits {code}"
        return
    assert code == 0, f"{case} rendered before and now exits {code}"
    expected = files_under(GOLDEN / profile / example)
    actual = files_under(tmp_path / "out")
    assert sorted(actual) == sorted(expected)
    for name, data in expected.items():
        assert actual[name] == data, f"{case}: {name} differs from the golden file"


def regenerate() -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    refusals = []
    for profile in PROFILES:
        for example in EXAMPLE_DIRS:
            out = GOLDEN / profile / example
            code = render_case(example, profile, out)
            if code == 2:
                shutil.rmtree(out, ignore_errors=True)
                refusals.append(f"{profile}/{example}")
            elif code != 0:
                raise SystemExit(f"{profile}/{example}: exit {code}")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    REFUSED.write_text("".join(case + "\n" for case in refusals), encoding="utf-8")


if __name__ == "__main__":
    regenerate()
