"""The wizard knows frameworks: on each realistic example, with only what no folder can say
typed in (the name and labels), it proposes the package manager and lock file, the command,
the port (parsed from the command where it is there) and the health check the example's own
tightship.yaml gives."""

from __future__ import annotations

import pytest
from cli_support import EXAMPLES
from test_wizard import fresh_example
from test_wizard_support import drive, typed

from generator.render.answers import load_answers
from generator.runtimes.frameworks import port_from_command
from generator.wizard.answers_file import ANSWERS_FILE

REALISTIC = ("django-uploads", "fastapi-poetry", "spool-worker", "express-pnpm",
             "express-yarn", "koa-yarn-berry", "ts-api", "go-cmd-vendor")
# What a folder tells: compared as written (lists of paths as sets: their order is free).
DETECTED = ("runtime", "build.dependencies", "build.installer", "build.package",
            "build.command", "build.steps", "command", "ports", "healthcheck.http",
            "healthcheck.command")
PATH_SETS = ("build.sources", "build.outputs")


def value(answers: dict, key: str):
    for part in key.split("."):
        answers = answers.get(part) if isinstance(answers, dict) else None
    return answers


@pytest.mark.parametrize("name", REALISTIC)
def test_the_wizard_proposes_what_the_example_says(tmp_path, name):
    expected = load_answers(EXAMPLES / name / ANSWERS_FILE).data
    root = fresh_example(name, tmp_path)
    script = {"service": typed(expected["service"]),
              "labels.source": typed(expected["labels"]["source"]),
              "labels.version": typed(expected["labels"]["version"])}
    _, result = drive(root, script)
    assert result.written
    written = load_answers(root / ANSWERS_FILE).data
    for key in DETECTED:
        assert value(written, key) == value(expected, key), key
    for key in PATH_SETS:
        assert set(value(written, key) or []) == set(value(expected, key) or []), key


@pytest.mark.parametrize("argv,port", [
    (["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"], 8000),
    (["uvicorn", "app:app", "--port=9001"], 9001),
    (["gunicorn", "--bind", "0.0.0.0:8000", "app:app"], 8000),
    (["gunicorn", "-b", ":8000", "app:app"], 8000),
    (["gunicorn", "--bind=[::]:7000", "app:app"], 7000),
    (["python3", "manage.py", "runserver", "0.0.0.0:8001"], 8001),
    (["next", "start", "-p", "3000"], 3000),
    (["gunicorn", "config.wsgi:application"], None),  # no port said: none guessed
    (["uvicorn", "app:app", "--port", "99999"], None),
])
def test_the_port_is_read_from_the_command(argv, port):
    assert port_from_command(argv) == port
