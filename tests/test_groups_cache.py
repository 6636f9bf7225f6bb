"""The built syscall groups are read back from the cache, and only while their files are the same."""

from __future__ import annotations

import shutil

import pytest

from generator.errors import UserError
from generator.render import seccomp_groups
from generator.render.groups_cache import cache_dir


@pytest.fixture
def groups_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "groups"
    shutil.copytree(seccomp_groups.builtin_groups_dir(), folder)
    seccomp_groups._load_groups.cache_clear()
    yield folder
    seccomp_groups._load_groups.cache_clear()


def test_a_second_run_reads_the_same_groups_from_the_cache(groups_copy):
    built = seccomp_groups.load_groups(groups_copy)
    assert len(list(cache_dir().glob("seccomp-groups-*.json"))) == 1
    seccomp_groups._load_groups.cache_clear()
    assert seccomp_groups.load_groups(groups_copy) == built


def test_a_changed_group_file_is_built_again(groups_copy):
    seccomp_groups.load_groups(groups_copy)
    seccomp_groups._load_groups.cache_clear()
    time_file = groups_copy / "time.yaml"
    time_file.write_text(time_file.read_text() + "  - no_such_call\n")
    with pytest.raises(UserError, match="no_such_call"):
        seccomp_groups.load_groups(groups_copy)


def test_a_cache_folder_that_cannot_be_written_only_costs_time(groups_copy, tmp_path,
                                                                monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(blocked / "cache"))
    groups = seccomp_groups.load_groups(groups_copy)
    assert "file-io" in groups.groups


def test_a_damaged_cache_file_is_ignored(groups_copy):
    built = seccomp_groups.load_groups(groups_copy)
    for file in cache_dir().glob("seccomp-groups-*.json"):
        file.write_text("{broken")
    seccomp_groups._load_groups.cache_clear()
    assert seccomp_groups.load_groups(groups_copy) == built
