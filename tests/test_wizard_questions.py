"""The questions as data: the same validator as the answers file, a deterministic answers file,
questionary loaded only by `new`, and `new` refusing to run without a terminal."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import EXAMPLES, REPO, run_cli
from ruamel.yaml import YAML

from generator.errors import UserError
from generator.render.answers import load_answers
from generator.render.pipeline import load_spec
from generator.render.profiles import load_profile
from generator.wizard import detect
from generator.wizard.answer_schema import has_schema_key
from generator.wizard.answers_file import ANSWERS_FILE, answers_document, dump_answers
from generator.wizard.model import HEALTH_KIND, InvalidTypedValue, QuestionContext
from generator.wizard.questions import BY_KEY, QUESTIONS, dependents, question_for

PYTHON = load_answers(EXAMPLES / "python" / ANSWERS_FILE).data


def context(root: Path | None = None, **answers) -> QuestionContext:
    root = root or EXAMPLES / "python"
    return QuestionContext(root=root, profile=load_profile("default"), project=detect.detect(root),
                   answers=dict(answers))


def write_answers(path: Path, data: dict) -> Path:
    yaml = YAML()
    with path.open("w") as handle:
        yaml.dump(data, handle)
    return path


def with_value(data: dict, key: str, value) -> dict:
    import copy

    data = copy.deepcopy(data)
    node = data
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return data


def test_every_question_is_a_key_of_the_answers_schema():
    for q in QUESTIONS:
        assert q.stored == (q.key != HEALTH_KIND)
        if q.stored:
            assert has_schema_key(q.key), q.key
        assert q.kind in ("text", "list", "argv", "steps", "ports", "env", "volumes", "select",
                          "capabilities")
        for dep in q.depends:
            assert dep in BY_KEY, (q.key, dep)


# (key, value) pairs render refuses because of the schema: the wizard must say the same.
SCHEMA_REFUSALS = [
    ("service", "My_API"),
    ("service", "-x"),
    ("ports", [70000]),
    ("ports", [8080, 8080]),
    ("build.dependencies", ["../secrets.txt"]),
    ("build.sources", ["/etc/"]),
    ("command", ["python3", "bad\nline"]),
    ("healthcheck.http", "healthz"),
    ("packages.run", ["Not A Package"]),
    ("writable", ["tmp"]),
    ("env", {"1BAD": "x"}),
    ("env", {"GREETING": 'say "hi"'}),
    ("secrets", ["API TOKEN"]),
    ("capabilities", {"NET_BIND_SERVICE": "no"}),
    ("labels.source", "http://github.com/example/x"),
    ("labels.version", "1.0 beta"),
]


@pytest.mark.parametrize("key, value", SCHEMA_REFUSALS)
def test_the_wizard_refuses_what_render_refuses_with_the_same_words(tmp_path, key, value):
    path = write_answers(tmp_path / ANSWERS_FILE, with_value(PYTHON, key, value))
    with pytest.raises(UserError) as caught:
        load_answers(path)
    render_says = f"{caught.value.field}: {caught.value.message}"
    assert BY_KEY[key].validate(value, context()) == render_says


# Rules of one field that build_spec (not the schema) enforces: the wizard checks them early.
SPEC_REFUSALS = [
    ("writable", ["/etc/app"]),
    ("writable", ["/"]),
    ("env", {"DB_PASSWORD": "x"}),
    ("capabilities", {"SYS_ADMIN": "mounts things"}),
    ("volumes", [{"name": "data", "path": "/usr/share/data"}]),
]


@pytest.mark.parametrize("key, value", SPEC_REFUSALS)
def test_field_rules_of_the_spec_are_checked_as_they_are_typed(tmp_path, key, value):
    path = write_answers(tmp_path / ANSWERS_FILE, with_value(PYTHON, key, value))
    with pytest.raises(UserError) as caught:
        load_spec(path, "default")
    wizard_says = BY_KEY[key].validate(value, context())
    assert wizard_says
    # Same rule, same reference to the checklist.
    assert wizard_says.split("(")[-1] == caught.value.message.split("(")[-1]


@pytest.mark.parametrize("key, value", [
    ("service", "hello-python"), ("ports", [8080, 443]), ("writable", ["/tmp", "/var/cache/app"]),
    ("env", {"LOG_LEVEL": "info", "GREETING": "hello world"}),
    ("capabilities", {"NET_BIND_SERVICE": "binds port 443"}), ("labels.source", None),
])
def test_what_the_wizard_accepts_render_accepts(tmp_path, key, value):
    assert BY_KEY[key].validate(value, context()) is None
    data = with_value(PYTHON, key, value) if value is not None else PYTHON
    load_spec(write_answers(tmp_path / ANSWERS_FILE, data), "default")


@pytest.mark.parametrize("key, text, value", [
    ("ports", "8080, 9090 443", [8080, 9090, 443]),
    ("ports", "", []),
    ("build.sources", "app/,  lib/ main.py", ["app/", "lib/", "main.py"]),
    ("command", "python3 -c 'print(1)'", ["python3", "-c", "print(1)"]),
    ("env", "A=1 B='two words' C=", {"A": "1", "B": "two words", "C": ""}),
    ("service", "  x  ", "x"),
    ("labels.source", "", None),
])
def test_typed_text_becomes_the_answer_and_back(key, text, value):
    q = BY_KEY[key]
    assert q.parse(text) == value
    assert q.parse(q.format(value)) == value


@pytest.mark.parametrize("key, text", [("ports", "80 http"), ("env", "NOEQUALS"),
                                        ("command", "sh -c 'x")])
def test_text_that_cannot_be_an_answer_is_a_parse_error(key, text):
    with pytest.raises(InvalidTypedValue):
        BY_KEY[key].parse(text)


def test_required_answers_cannot_be_empty():
    assert BY_KEY["command"].validate([], context()) == "needs an answer"
    assert BY_KEY["service"].validate(None, context()) == "needs an answer"
    assert BY_KEY["secrets"].validate([], context()) is None


def test_changing_an_answer_reasks_what_hangs_on_it():
    assert set(dependents("runtime")) >= {"version", "build.dependencies", "command",
                                          HEALTH_KIND, "healthcheck.http",
                                          "healthcheck.command", "packages.run"}
    assert set(dependents("ports")) == {HEALTH_KIND, "healthcheck.http", "healthcheck.port",
                                        "healthcheck.command", "capabilities"}
    assert dependents("labels.version") == []


def test_errors_point_at_the_question_that_answers_them():
    ctx = context(runtime="java", service="x", ports=[8080])
    assert question_for("build.dependencies[0]", ctx).key == "build.dependencies"
    assert question_for("env.SECRET", ctx).key == "env"
    assert question_for("build", ctx).key == "build.dependencies"  # the first asked of it
    assert question_for("limits.memory", ctx) is None  # not asked: kept as it was
    assert question_for(None, ctx) is None
    ctx.previous = {"run": {"publish": {"8080": 18080}}}
    assert question_for("run.publish.8080", ctx) is None  # kept from the existing file
    assert question_for("run.user_namespaces", ctx).key == "run.user_namespaces"


def test_the_answers_file_is_deterministic_and_in_the_schemas_order(tmp_path):
    ctx = context(**{"labels.version": "1.0", "writable": ["/tmp"], "command": ["python3"],
                     "env": {"Z": "yes", "A": "3.10", "M": "on", "H": "#no comment"},
                     "runtime": "python", "service": "svc", "ports": [8080],
                     HEALTH_KIND: "http", "healthcheck.http": "/healthz",
                     "build.sources": ["app/"], "build.dependencies": ["requirements.txt"],
                     "secrets": [], "packages.run": []})
    text = dump_answers(answers_document(ctx), profile="default")
    assert text == dump_answers(answers_document(ctx), profile="default")
    body = [line.split(":")[0] for line in text.splitlines()
            if line and not line.startswith(("#", " "))]
    assert body == ["service", "runtime", "build", "command", "ports", "healthcheck",
                    "writable", "env", "labels"]
    assert "secrets" not in text and "packages" not in text  # empty answers are left out
    assert "_health" not in text
    path = tmp_path / ANSWERS_FILE
    path.write_text(text)
    data = load_answers(path).data  # values that look like YAML 1.1 booleans or numbers
    assert data["env"] == {"Z": "yes", "A": "3.10", "M": "on", "H": "#no comment"}
    assert data["labels"] == {"version": "1.0"}
    assert text.startswith("# yaml-language-server: $schema=.tightship/answers.schema.json\n"
                           "# Answers for the svc service, written by `tightship new`.\n")
    assert "#   tightship render --answers tightship.yaml\n" in text


def test_every_example_survives_a_round_trip_through_the_answers_file(tmp_path):
    """Read each example's answers as the wizard's defaults, write them back: same data."""
    for name in ("python", "node", "go", "java", "static", "generic"):
        previous = load_answers(EXAMPLES / name / ANSWERS_FILE).data
        ctx = context(EXAMPLES / name)
        ctx.previous = previous
        for q in QUESTIONS:
            if q.when(ctx):
                ctx.answers[q.key] = q.suggestion(ctx)
        path = tmp_path / f"{name}.yaml"
        path.write_text(dump_answers(answers_document(ctx), profile="default"))
        assert load_answers(path).data == previous, name


def test_only_the_wizard_imports_questionary():
    importers = sorted(p.relative_to(REPO).as_posix()
                       for p in (REPO / "generator").rglob("*.py")
                       if "import questionary" in p.read_text()
                       or "from questionary" in p.read_text())
    assert importers == ["generator/wizard/prompt.py"]
    code = ("import sys, io; from generator.cli import main; import generator.wizard.questions, "
            "generator.wizard.detect; "
            "rc = main(['render', '--answers', sys.argv[1], '--check'], stdout=io.StringIO()); "
            "print(rc, 'questionary' in sys.modules, 'generator.wizard.prompt' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "python" / ANSWERS_FILE)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.stdout.split()[1:] == ["False", "False"], proc.stderr


def test_without_a_terminal_new_stops_at_once_and_points_at_render(tmp_path):
    result = run_cli("new", str(tmp_path))  # pytest's stdin is not a terminal
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "tightship render --answers tightship.yaml" in result.err
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "generator", "new", str(tmp_path)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=REPO,
                          timeout=60)
    assert proc.returncode == 2 and time.monotonic() - started < 20
    assert proc.stderr.startswith("tightship: error: new: ") and proc.stderr.count("\n") == 1
    assert "`tightship render --answers tightship.yaml`" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "generator", "new", str(tmp_path)],
                          input="y\n" * 50, capture_output=True, text=True, cwd=REPO,
                          timeout=60)  # a pipe, even one full of answers
    assert proc.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_a_file_for_a_folder(tmp_path, monkeypatch):
    import generator.cli.project

    monkeypatch.setattr(generator.cli.project, "has_terminal", lambda: True)
    target = tmp_path / "file"
    target.write_text("x")
    result = run_cli("new", str(target))
    assert result.code == 2 and "is not a folder" in result.err


def test_volumes_are_typed_as_name_path_size_ro():
    q = BY_KEY["volumes"]
    value = q.parse("uploads:/data/uploads:5Gi, seed:/srv/seed:ro")
    assert value == [{"name": "uploads", "path": "/data/uploads", "size": "5Gi"},
                     {"name": "seed", "path": "/srv/seed", "read_only": True}]
    assert q.parse(q.format(value)) == value
    assert q.validate(value, context()) is None
    with pytest.raises(InvalidTypedValue):
        q.parse("no-path")


def test_a_low_port_is_explained_and_needs_no_capability():
    ctx = context()
    assert "ip_unprivileged_port_start" in BY_KEY["ports"].help_text(ctx)
    assert BY_KEY["ports"].validate([80], ctx) is None
    assert BY_KEY["capabilities"].suggestion(ctx) == {}


def test_build_steps_are_typed_as_commands_separated_by_semicolons():
    q = BY_KEY["build.steps"]
    steps = q.parse("python3 manage.py collectstatic --noinput ; npm run 'build:css'")
    assert steps == [["python3", "manage.py", "collectstatic", "--noinput"],
                     ["npm", "run", "build:css"]]
    assert q.parse(q.format(steps)) == steps
