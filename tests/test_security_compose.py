"""compose.yaml runs the answers' text, not the host's environment.

Compose substitutes `$VAR`, `${VAR}` and `${X:?msg}` in every string. Each `$` from the answers
is written `$$`, so real `docker-compose config` resolves the health check to exactly the
answers' words, the same words the Kubernetes probe and the Dockerfile run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import fuzz_budget
import pytest
from cli_support import run_cli
from compose_cli import docker_compose
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

COMPOSE = shutil.which("docker-compose")
needs_compose = pytest.mark.skipif(
    COMPOSE is None and not os.environ.get("CI"),
    reason="docker-compose is not installed (.ci/engine-up.sh installs it)")

ANSWERS = """\
service: api
runtime: python
build:
  dependencies: [requirements.txt]
  sources: [app/]
command: [python3, -m, app]
ports: [8080]
"""

WORDS = ["$HOME", "${X:?unset on purpose}", "$$", "a$", "${HOME}x", "$(id)", "$", "${",
         "$$HOME", "${X:-default}", "\\$HOME"]


def _render(folder: Path, argv: list[str], http: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    health = (f"healthcheck:\n  http: {json.dumps(http)}\n" if http else
              f"healthcheck:\n  command: {json.dumps(argv)}\n")
    (folder / "tightship.yaml").write_text(ANSWERS + health)
    result = run_cli("render", "--force", cwd=folder)
    assert result.code == 0, result.err


def _compose_config(folder: Path) -> dict:
    """What docker-compose itself resolves, with a host environment that would leak."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/leaked-home"}
    proc = docker_compose("-f", "compose.yaml", "config", cwd=folder, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return YAML(typ="safe").load(proc.stdout)


def _resolved(value):
    # `config` prints its result as compose input again, escaping each `$` as `$$`
    # (compose.config.serialize): undone here to get the value compose resolved.
    if isinstance(value, str):
        return value.replace("$$", "$")
    return [_resolved(v) for v in value]


def _k8s_probe(folder: Path) -> list[str]:
    deployment = YAML(typ="safe").load((folder / "k8s" / "deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return container["livenessProbe"]["exec"]["command"]


def _docker_health(folder: Path) -> list[str]:
    line = next(x for x in (folder / "Dockerfile").read_text().splitlines()
                if x.startswith("HEALTHCHECK"))
    return json.loads(line.split(" CMD ", 1)[1])


@needs_compose
def test_health_words_reach_compose_verbatim(tmp_path):
    argv = ["/bin/probe", *WORDS]
    _render(tmp_path / "svc", argv)
    config = _compose_config(tmp_path / "svc")
    test = _resolved(config["services"]["api"]["healthcheck"]["test"])
    assert test == ["CMD", *argv]
    assert _k8s_probe(tmp_path / "svc") == argv == _docker_health(tmp_path / "svc")
    assert "/leaked-home" not in json.dumps(config)


@needs_compose
def test_http_path_with_dollar(tmp_path):
    _render(tmp_path / "svc", [], http="/health?u=$HOME&v=$X:?x")
    config = _compose_config(tmp_path / "svc")
    test = _resolved(config["services"]["api"]["healthcheck"]["test"])
    assert test[-1] == "http://127.0.0.1:8080/health?u=$HOME&v=$X:?x"
    assert test[1:] == _docker_health(tmp_path / "svc")


@needs_compose
def test_unescaped_dollar_would_leak(tmp_path):
    """The control: the same file without the escaping takes the host's $HOME."""
    _render(tmp_path / "svc", ["/bin/probe", "$HOME"])
    compose = tmp_path / "svc" / "compose.yaml"
    compose.write_text(compose.read_text().replace("$$HOME", "$HOME"))
    config = _compose_config(tmp_path / "svc")
    assert config["services"]["api"]["healthcheck"]["test"][-1] == "/leaked-home"


@needs_compose
@settings(max_examples=fuzz_budget.examples(15), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.lists(st.sampled_from(list("${}:?-+!#()\\'\" aZ")), min_size=1,
                     max_size=10).map("".join))
def test_any_word_reaches_compose_verbatim(tmp_path, word):
    folder = tmp_path / "case"
    _render(folder, ["/bin/probe", word])
    config = _compose_config(folder)
    assert _resolved(config["services"]["api"]["healthcheck"]["test"]) == [
        "CMD", "/bin/probe", word]
