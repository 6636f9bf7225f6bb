"""`$schema` in answers files names a file the user has: the installed schema, which
`tightship schema` prints or writes and `tightship new` writes beside tightship.yaml."""

from __future__ import annotations

import json

from cli_support import EXAMPLES, run_cli
from test_wizard import fresh_example
from test_wizard_support import drive, typed

from generator.resources import SCHEMA_DIR

COMMENT = "# yaml-language-server: $schema=.tightship/answers.schema.json"


def test_schema_prints_the_installed_answers_schema(tmp_path):
    result = run_cli("schema", "answers", cwd=tmp_path)
    assert result.code == 0
    assert result.out == (SCHEMA_DIR / "answers.schema.json").read_text()
    assert json.loads(result.out)["title"].startswith("tightship answers file")


def test_schema_out_writes_where_the_comment_points_and_keeps_a_differing_file(tmp_path):
    assert run_cli("schema", "answers", "--out", cwd=tmp_path).code == 0
    copy = tmp_path / ".tightship" / "answers.schema.json"
    assert copy.read_text() == (SCHEMA_DIR / "answers.schema.json").read_text()
    copy.write_text("{}\n")
    refused = run_cli("schema", "answers", "--out", cwd=tmp_path)
    assert refused.code != 0 and copy.read_text() == "{}\n"
    assert run_cli("schema", "answers", "--out", "--force", cwd=tmp_path).code == 0
    assert json.loads(copy.read_text())["properties"]["build"]


def test_the_wizard_writes_the_comment_and_the_schema_it_names(tmp_path):
    root = fresh_example("go", tmp_path)
    _, result = drive(root, {"service": typed("hello-go")})
    assert result.written
    assert (root / "tightship.yaml").read_text().splitlines()[0] == COMMENT
    assert ((root / ".tightship" / "answers.schema.json").read_text()
            == (SCHEMA_DIR / "answers.schema.json").read_text())


def test_every_example_names_the_copy_not_a_path_in_this_repository():
    every = sorted(EXAMPLES.glob("*/tightship.yaml"))
    assert len(every) > 10, every
    for answers in every:
        assert answers.read_text().splitlines()[0] == COMMENT, answers
