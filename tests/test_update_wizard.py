"""The wizard's summary meets edited files with `update`'s merge: it says which files keep
their edits, which are simply replaced and where an answer change collides with an edit."""

from __future__ import annotations

from cli_support import run_cli
from test_wizard import fresh_example
from test_wizard_support import DOWN, ENTER, MENU, REPLACE, drive, tree, typed

RUN_STEP = "RUN python3 -m compileall -q app\n"


def written_and_edited(tmp_path):
    root = fresh_example("python", tmp_path)
    _, first = drive(root, {})
    assert first.written and (root / ".tightship" / "rendered.json").exists()
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("COPY app/ ./app/\n",
                                                         "COPY app/ ./app/\n" + RUN_STEP, 1))
    return root


def test_a_changed_answer_is_merged_into_an_edited_file(tmp_path):
    root = written_and_edited(tmp_path)
    wizard, result = drive(root, {
        "ports": typed("9090"),
        MENU: [ENTER, DOWN + ENTER],  # show the differences, then write (the answers file differs)
        REPLACE: ["y"],
    })
    said = wizard.said
    assert "  merge      Dockerfile  (edited: the edits are kept)" in said
    assert "  update     compose.yaml  (untouched since the last render)" in said
    assert "+EXPOSE 9090" in said and f"-{RUN_STEP}" not in said  # the diff keeps the edit
    assert result.written
    text = (root / "Dockerfile").read_text()
    assert RUN_STEP in text and "EXPOSE 9090\n" in text
    assert run_cli("render", "--answers", str(root / "tightship.yaml"), "--check").code == 0


def test_an_answer_that_changes_an_edited_line_is_a_conflict_shown_before_anything(tmp_path):
    root = written_and_edited(tmp_path)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8080\n", "EXPOSE 8080 8081\n"))
    line = dockerfile.read_text().splitlines().index("EXPOSE 8080 8081") + 1
    before = tree(root)
    wizard, result = drive(root, {
        "ports": typed("9090"),
        MENU: DOWN * 3 + ENTER,  # cancel
    })
    assert (f"  conflict   Dockerfile  (edited on line {line}, which this change also changes; "
            "replacing it loses the edits)") in wizard.said
    assert not result.written
    assert tree(root) == before
