"""The shipped forms of the bundled profiles and syscall groups (generator/render/prebuilt.json)
are what loading their YAML gives, and are never used once a file they came from changes.

When a bundled profile, group file or the profile schema is meant to change, write the new
file with `python tests/test_prebuilt.py` and review the diff.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

if __name__ == "__main__":  # run as a script: the repository's root is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.errors import UserError
from generator.render import prebuilt, profiles, seccomp_groups
from generator.render.prebuilt import SHIPPED, groups_entry, profile_entry


def fresh_form() -> str:
    """prebuilt.json's text as loading the bundled YAML gives it now (no cache, no prebuilt)."""
    shipped: dict = {"profiles": {}}
    for name in profiles.builtin_names():
        path = profiles.find_profile(name)
        layers, data = profiles.read_profile(path, path.read_text(encoding="utf-8"))
        shipped["profiles"][path.name] = profile_entry(layers, data)
    folder = str(seccomp_groups.builtin_groups_dir().resolve())
    shipped["groups"] = groups_entry(seccomp_groups.build_groups(folder))
    return json.dumps(shipped, indent=1, ensure_ascii=False) + "\n"


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIGHTSHIP_CACHE_DIR", str(tmp_path / "cache"))
    seccomp_groups._load_groups.cache_clear()
    yield
    seccomp_groups._load_groups.cache_clear()


def test_the_shipped_form_is_what_loading_the_yaml_gives(empty_cache):
    assert SHIPPED.read_text(encoding="utf-8") == fresh_form(), \
        "the bundled YAML changed: run `python tests/test_prebuilt.py` and review the diff"


def test_the_bundled_files_are_taken_from_the_shipped_form(empty_cache):
    layers, data = prebuilt.prebuilt_profile(profiles.find_profile("strict"),
                                             profiles.find_profile("strict").read_text())
    assert [Path(layer.file).name for layer in layers] == ["strict.yaml", "default.yaml"]
    assert data["name"] == "strict"
    assert prebuilt.prebuilt_groups(seccomp_groups.builtin_groups_dir()) is not None


def org_profile(folder: Path, extra: str = "") -> Path:
    path = folder / "org.yaml"
    path.write_text(f"name: org\nextends: strict\nrestart_retries: 4\n{extra}", encoding="utf-8")
    return path


def test_a_profile_extending_a_bundled_one_loads_as_from_the_yaml(empty_cache, tmp_path,
                                                                   monkeypatch):
    with_shipped = profiles.load_profile(str(org_profile(tmp_path)))
    monkeypatch.setattr(prebuilt, "_shipped", lambda: {})
    (tmp_path / "again").mkdir()
    from_yaml = profiles.load_profile(str(org_profile(tmp_path / "again")))
    assert with_shipped.data == from_yaml.data
    assert list(with_shipped.data) == list(from_yaml.data)  # the same order: the same output
    assert [Path(layer.file).name for layer in with_shipped.layers] == \
        ["org.yaml", "strict.yaml", "default.yaml"]
    assert with_shipped.restart_retries == 4


def test_an_error_in_a_profile_extending_a_bundled_one_names_its_line(empty_cache, tmp_path):
    path = org_profile(tmp_path, "low_ports: maybe\n")
    with pytest.raises(UserError) as raised:
        profiles.load_profile(str(path))
    assert (raised.value.file, raised.value.line, raised.value.field) == \
        (str(path), 4, "low_ports")


@pytest.fixture
def bundled_copy(tmp_path, monkeypatch, empty_cache) -> Path:
    """The bundled profiles in a folder of their own, which the package takes as its own."""
    folder = tmp_path / "profiles"
    shutil.copytree(profiles.builtin_dir(), folder)
    monkeypatch.setattr(prebuilt, "data_dir", lambda name: tmp_path / name)
    monkeypatch.setattr(profiles, "builtin_dir", lambda: folder)
    monkeypatch.setattr(seccomp_groups, "builtin_groups_dir", lambda: folder / "seccomp")
    return folder


def test_unchanged_copies_are_taken_from_the_shipped_form(bundled_copy):
    path = bundled_copy / "strict.yaml"
    assert prebuilt.prebuilt_profile(path, path.read_text()) is not None
    assert prebuilt.prebuilt_groups(bundled_copy / "seccomp") is not None


def test_an_edited_bundled_profile_is_read_from_its_yaml(bundled_copy):
    default = bundled_copy / "default.yaml"
    default.write_text(default.read_text().replace("uid: 10001", "uid: 10002"))
    assert "uid: 10002" in default.read_text()
    assert profiles.load_profile("default").uid == 10002
    assert profiles.load_profile("strict").uid == 10002  # through `extends`


def test_an_error_in_an_edited_bundled_profile_names_its_line(bundled_copy):
    default = bundled_copy / "default.yaml"
    lines = default.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  uid:"))
    lines[at] = "  uid: many\n"
    default.write_text("".join(lines))
    with pytest.raises(UserError) as raised:
        profiles.load_profile("strict")
    assert (raised.value.file, raised.value.line, raised.value.field) == \
        (str(default), at + 1, "user.uid")


def test_an_edited_bundled_group_file_is_built_again(bundled_copy):
    time_file = bundled_copy / "seccomp" / "time.yaml"
    time_file.write_text(time_file.read_text() + "  - nanosleep\n")
    with pytest.raises(UserError) as raised:
        seccomp_groups.load_groups()
    assert raised.value.file == str(time_file.resolve())
    assert "nanosleep" in raised.value.message


if __name__ == "__main__":
    SHIPPED.write_text(fresh_form(), encoding="utf-8")
    print(f"wrote {SHIPPED}")
