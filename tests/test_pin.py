"""`tightship pin`: digests refreshed in place, comments kept, nothing else touched."""

from __future__ import annotations

import datetime as dt

import pytest
from cli_support import run_cli
from engine_support import BASE_IMAGES, REGISTRY

from generator.engine.pin import pin_profile
from generator.errors import UserError

OLD = "sha256:" + "0" * 64
NEW = "sha256:" + "1" * 64

PROFILE = f"""\
# Team profile: keep this comment.
name: team
extends: default
allowed_registries: ['{REGISTRY}']
images:
  # the python image, refreshed weekly
  python-3.13: {{ref: '{REGISTRY}/python:3.13-slim-trixie', digest: '{OLD}', pinned: '2026-01-01', shell: true, packages: apt}}
  debian-trixie:
    ref: {REGISTRY}/debian:trixie-slim   # base of the generic runtime
    digest: {OLD}
    pinned: '2026-01-01'
    shell: true
    packages: apt
runtimes:
  python:
    '3.13': {{build: python-3.13, run: python-3.13}}
"""


def test_pin_rewrites_only_moved_digests_and_keeps_comments(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(PROFILE)
    lookups = []

    def lookup(ref: str) -> str:
        lookups.append(ref)
        return NEW if "python" in ref else OLD

    changes = pin_profile(path, lookup, today=dt.date(2026, 11, 23))
    assert [(c.key, c.changed) for c in changes] == [("python-3.13", True),
                                                     ("debian-trixie", False)]
    text = path.read_text()
    assert "# Team profile: keep this comment." in text
    assert "# the python image, refreshed weekly" in text
    assert "# base of the generic runtime" in text
    assert f"digest: '{NEW}', pinned: '2026-11-23'" in text
    assert text.count(OLD) == 1  # debian's digest did not move, nor its date
    assert text.replace(NEW, OLD).replace("2026-11-23", "2026-01-01") == PROFILE


def test_pin_check_writes_nothing(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(PROFILE)
    changes = pin_profile(path, lambda ref: NEW, write=False)
    assert changes and all(c.changed for c in changes)
    assert path.read_text() == PROFILE


def test_pin_refuses_a_bad_registry_answer(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(PROFILE)
    with pytest.raises(UserError, match="no sha256 digest"):
        pin_profile(path, lambda ref: "latest")
    assert path.read_text() == PROFILE


@pytest.mark.engine
def test_pin_asks_the_real_registry(tmp_path, engine, registry_images):
    path = tmp_path / "team.yaml"
    path.write_text(PROFILE)
    result = run_cli("pin", str(path))
    assert result.code == 0, result.err
    text = path.read_text()
    python_ref = f"{REGISTRY}/python:3.13-slim-trixie"
    assert registry_images[python_ref] in text
    assert registry_images[f"{REGISTRY}/debian:trixie-slim"] in text
    assert "pinned  python-3.13" in result.out
    # pinned again: nothing moved, exit 0 with --check
    again = run_cli("pin", "--check", str(path))
    assert again.code == 0 and "current  python-3.13" in again.out
    assert python_ref in BASE_IMAGES
