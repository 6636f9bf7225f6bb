"""`tightship verify`: the rendered service, built and run on the engine, proven property by
property from the kernel's view; and a weakened run setting is caught."""

from __future__ import annotations

import gc
import json
import sys

import pytest
from cli_support import copy_example, run_cli

from generator.engine.verify import run_settings


@pytest.mark.engine
@pytest.mark.parametrize("name,expected", [
    ("python", {"build", "healthy", "non-root", "no capabilities", "no-new-privileges",
                "seccomp filter", "read-only root", "forbidden syscall"}),
    ("go", {"build", "healthy", "non-root", "no capabilities", "no-new-privileges",
            "seccomp filter", "read-only root"}),
])
def test_verify_proves_every_property(tmp_path, engine, engine_profile, name, expected):
    service = copy_example(name, tmp_path)
    result = run_cli("verify", "--profile", str(engine_profile), "--format", "json",
                     cwd=service)
    assert result.code == 0, result.out + result.err
    proofs = {p["name"]: p for p in json.loads(result.out)}
    held = {n for n, p in proofs.items() if p["ok"] is True}
    assert expected <= held, proofs
    assert not [p for p in proofs.values() if p["ok"] is False]
    # nothing left behind
    assert not [c for c in engine.containers.list(all=True)
                if c.image.tags and c.image.tags[0].startswith("tightship-verify/")]
    assert not [i for i in engine.images.list() if any(t.startswith("tightship-verify/")
                                                       for t in i.tags)]


@pytest.mark.engine
def test_verify_fails_when_the_run_settings_are_weakened(tmp_path, engine, engine_profile,
                                                        monkeypatch):
    """The proofs come from the kernel: drop read_only and no-new-privileges and they fail."""
    import generator.engine.verify as verify

    def weakened(*args, **kwargs):
        settings, notes = run_settings(*args, **kwargs)
        settings["read_only"] = False
        settings["security_opt"] = [o for o in settings["security_opt"]
                                    if not o.startswith("no-new-privileges")]
        return settings, notes

    monkeypatch.setattr(verify, "run_settings", weakened)
    service = copy_example("python", tmp_path)
    result = run_cli("verify", "--profile", str(engine_profile), cwd=service)
    assert result.code == 1
    assert "FAIL  read-only root" in result.out
    assert "FAIL  no-new-privileges: NoNewPrivs 0" in result.out


def test_verify_without_an_engine_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    service = copy_example("python", tmp_path)
    result = run_cli("verify", cwd=service)
    assert result.code == 3
    assert result.err.startswith("tightship: error: no Docker engine answers")


def test_an_engine_socket_nothing_listens_on_is_named_and_left_closed(tmp_path, monkeypatch):
    """The Docker SDK leaves its socket open when the connect fails; verify must not."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    service = copy_example("python", tmp_path)
    result = run_cli("verify", cwd=service)
    gc.collect()
    assert result.code == 3
    assert result.err == ("tightship: error: no Docker engine answers: "
                          "/nonexistent/docker.sock: No such file or directory\n")
    assert [str(u.exc_value) for u in unraisable] == []
