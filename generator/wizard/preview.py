"""What the answers would write, before anything is: the answers file's text, the files
`render_service` makes of that very text (so `tightship render --answers tightship.yaml`
reproduces them byte for byte), and how each meets the disk (create / identical / conflict,
or brought up to date the way `tightship update` does)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.render import writer
from generator.render.pipeline import load_spec, render_service
from generator.render.spec import Spec
from generator.render.update import CONFLICT, MERGE, REPLACE, SAME, byte_damage, plan_update
from generator.render.writer import IDENTICAL, PlannedFile, plan
from generator.resources import SCHEMA_COPY, schema_text
from generator.wizard.answers_file import ANSWERS_FILE, answers_document, dump_answers
from generator.wizard.model import QuestionContext


@dataclass
class Prepared:
    """Answers that `render` accepts, what it makes of them, and how that meets the disk."""

    text: str  # the answers file
    spec: Spec
    planned: list[PlannedFile]
    # Files `update`'s merge brings up to date without losing an edit: path -> a note
    merged: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (word, note)
    notes: dict[str, str] = field(default_factory=dict)  # a conflict -> why it is one

    @property
    def conflicts(self) -> list[PlannedFile]:
        return [p for p in self.planned
                if p.status == writer.CONFLICT and p.relative not in self.merged]

    @property
    def differing(self) -> list[PlannedFile]:
        return [p for p in self.planned if p.status == writer.CONFLICT]

    @property
    def to_write(self) -> list[PlannedFile]:
        return [p for p in self.planned if p.status != IDENTICAL]



def prepare(ctx: QuestionContext, profile_name: str, root: Path) -> Prepared:
    """Render from the answers file text, exactly as `render --answers` would read it."""
    data = answers_document(ctx)
    text = dump_answers(data, profile=profile_name)
    with tempfile.TemporaryDirectory(prefix="tightship-new-") as tmp:
        path = Path(tmp) / ANSWERS_FILE
        path.write_text(text, encoding="utf-8")
        spec, _ = load_spec(path, ctx.profile)
        files = render_service(path, ctx.profile)
    schema = SCHEMA_COPY["answers"]  # what the answers file's $schema comment names
    return merged_plan(text, spec, files, root, beside={schema: schema_text("answers")})


def merged_plan(text: str, spec: Spec, files: dict[str, str], root: Path,
                beside: dict[str, str] | None = None) -> Prepared:
    """The answers file and the rendered files, each met with the disk the way `tightship
    update` meets it: an untouched file is replaced, an edited one gets the change merged in
    (edits kept), and only a conflict needs the user's yes to replace it."""
    update = plan_update(files, root)
    planned = plan({ANSWERS_FILE: text, **(beside or {})}, root)
    merged: dict[str, tuple[str, str]] = {}
    notes: dict[str, str] = {}
    for f in update.files:
        current = f.planned.current
        if byte_damage(current, f.planned.text) is not None:  # no edit to keep: a conflict
            planned.append(f.planned)
        elif f.action == SAME and current is not None:  # (SAME: the file is on disk)
            planned.append(f.planned._replace(text=current, status=IDENTICAL))
        elif f.action in (REPLACE, MERGE):
            merged[f.relative] = (("update", "untouched since the last render") if f.action ==
                                  REPLACE else ("merge", "edited: the edits are kept"))
            planned.append(f.planned._replace(text=f.text, status=writer.CONFLICT))
        else:
            if f.action == CONFLICT and f.base is not None and f.merged is not None:
                lines = ", ".join(map(str, f.merged.on_disk))
                notes[f.relative] = (f"edited on line {lines}, which this change also "
                                     "changes; replacing it loses the edits")
            planned.append(f.planned)
    record = update.record
    if record.status != IDENTICAL:
        merged[record.relative] = ("update" if record.status == writer.CONFLICT else "create",
                                   "the record of this render, for `tightship update`")
    planned.append(record)
    return Prepared(text, spec, planned, merged, notes)

