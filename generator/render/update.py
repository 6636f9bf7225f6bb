"""Regenerate without losing edits: merge each file on disk with the change between the last
render (the record in `.tightship/`) and this one, and tell what `render --check` sees.

Nothing here writes: a plan is made for every file, held to tightship's own rules, and handed
to the writer whole, so the files on disk change all together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ConflictError, TightshipError
from generator.render import writer
from generator.render.basis import RECORD_DIR, RECORD_FILE, read_record
from generator.render.merge import CONFLICT_START, INLINE, REJ, MergedText, merge_text, unified
from generator.render.pipeline import compile_check, rule_findings
from generator.render.profiles import Profile
from generator.render.writer import CREATE, IDENTICAL, PlannedFile, plan, record_plan

# What `update` does to one file.
NEW, SAME, REPLACE, MERGE, CONFLICT = "create", "identical", "replace", "merge", "conflict"
# What `render --check` finds.
UP_TO_DATE, NEEDS_UPDATE, DRIFTED = "up to date", "needs update", "drifted"


class EditBreaksRules(TightshipError):
    """An edit on disk, merged with this render, gives a file tightship's rules reject."""

    exit_code = 2


@dataclass(frozen=True)
class FileUpdate:
    planned: PlannedFile  # where, this render's text, and what is on disk now
    base: str | None  # the last render's text, from the record
    merged: MergedText | None  # None when the file is not on disk

    @property
    def relative(self) -> str:
        return self.planned.relative

    @property
    def text(self) -> str:
        """What `update` writes."""
        return self.merged.text if self.merged is not None else self.planned.text

    @property
    def action(self) -> str:
        current = self.planned.current
        if current is None or self.merged is None:
            return NEW
        if self.merged.conflicts:
            return CONFLICT
        if self.text == current:
            return SAME
        return REPLACE if current == self.base else MERGE

    @property
    def edited(self) -> bool:
        """The file on disk is not what tightship wrote last (or nothing was recorded)."""
        current = self.planned.current
        return current is not None and current != self.base and current != self.planned.text

    @property
    def unresolved(self) -> int | None:
        """The line of a conflict marker an earlier `update` left in the file on disk."""
        return marker_line(self.planned.current)

    def where(self, line: int) -> str:
        return f"{self.planned.path}:{line}"


@dataclass(frozen=True)
class UpdatePlan:
    out_dir: Path
    files: tuple[FileUpdate, ...]
    record: PlannedFile  # the record of this render
    recorded: dict[str, str] | None  # the record of the last one
    mode: str

    @property
    def conflicts(self) -> list[FileUpdate]:
        return [f for f in self.files if f.action == CONFLICT]

    @property
    def gone(self) -> list[str]:
        """Files the last render wrote and this one does not (left on disk as they are)."""
        rendered = {f.relative for f in self.files}
        return sorted(set(self.recorded or ()) - rendered)

    def checked_texts(self) -> dict[str, str]:
        """Every file `update` would leave on disk, less those holding conflict markers."""
        return {f.relative: f.text for f in self.files
                if not (f.action == CONFLICT and self.mode == INLINE) and not f.unresolved}

    def writes(self) -> list[PlannedFile]:
        """The files to write: merged outputs, `.rej` files, the new record."""
        out = [f.planned._replace(text=f.text,
                       status=CREATE if f.planned.current is None else writer.CONFLICT)
               for f in self.files if f.action != SAME]
        rejects = {f"{f.relative}.rej": f.merged.rejects for f in self.files
                   if f.merged is not None and f.merged.rejects}
        out += [p for p in plan(rejects, self.out_dir) if p.status != IDENTICAL]
        if self.record.status != IDENTICAL:
            out.append(self.record)
        return out


def plan_update(files: dict[str, str], out_dir: Path, mode: str = INLINE) -> UpdatePlan:
    """Merge this render (`files`, already self-checked) into what is on disk in `out_dir`."""
    recorded = read_record(out_dir)
    merged = []
    for planned in plan(files, out_dir):
        base = recorded.get(planned.relative) if recorded is not None else None
        text = None
        if planned.current is not None:
            text = merge_text(planned.relative, base, planned.current, planned.text, mode)
        merged.append(FileUpdate(planned, base, text))
    return UpdatePlan(out_dir, tuple(merged), record_plan(files, out_dir), recorded, mode)


def broken_rules(update: UpdatePlan, profile: Profile) -> list[tuple[str, str]]:
    """(file, message) for each rule that the merged files break, naming the edit behind it."""
    by_name = {f.relative: f for f in update.files}
    lines = []
    for finding in rule_findings(update.checked_texts(), profile):
        item = by_name[finding.file]
        rule = f"{finding.rule} ({finding.severity}) {finding.message}"
        edits = sorted(item.merged.edited) if item.merged is not None else []
        if finding.line in edits:
            lines.append((item.relative,
                          f"{item.where(finding.line)}: the edit on this line breaks {rule}"))
        else:
            shown = ", ".join(map(str, edits[:5])) + (", …" if len(edits) > 5 else "")
            note = f" (edited lines: {shown})" if edits else ""
            lines.append((item.relative, f"{item.where(finding.line)}: {rule}, after the "
                                         f"edits{note}"))
    return lines


def checked_update(update: UpdatePlan, profile: Profile) -> UpdatePlan:
    """The plan, if no earlier conflict is left and every file it leaves on disk passes
    tightship's rules; else nothing is written."""
    left = [f.where(f.unresolved) for f in update.files if f.unresolved]
    if left:
        raise ConflictError(f"a conflict of an earlier update is not resolved yet at "
                            f"{', '.join(left)}: resolve it (keep the lines you want, remove the "
                            "<<<<<<< ======= >>>>>>> lines), then run `tightship update` again")
    problems = broken_rules(update, profile)
    if problems:
        raise EditBreaksRules("the files merged with the edits on disk break tightship's "
                              "own rules, so nothing was written: "
                              + "; ".join(message for _, message in problems))
    compile_check(update.checked_texts())  # an edited AppArmor profile must still compile
    return update


def marker_line(text: str | None) -> int | None:
    """The line of the first conflict marker `update` left in a file, if one is left."""
    for number, line in enumerate((text or "").splitlines(), 1):
        if line.startswith(CONFLICT_START):
            return number
    return None


@dataclass(frozen=True)
class FileState:
    word: str  # ok | update | drift | conflict
    path: Path
    detail: str
    diff: str


def byte_damage(current: str | None, rendered: str) -> str | None:
    """A change to the whole file's bytes rather than to its lines (an editor's or a checkout's
    line endings, a byte-order mark, a lost final newline) is no edit to keep: it is drift, as
    a gate script with CRLF endings no longer runs under sh."""
    if current is None:
        return None
    if "\r\n" in current and "\r" not in rendered:
        return "line endings changed to CRLF"
    if current.startswith("\ufeff") and not rendered.startswith("\ufeff"):
        return "a byte-order mark was added"
    if rendered.endswith("\n") and current and not current.endswith("\n"):
        return "the final newline is missing"
    return None


def assess(update: UpdatePlan, profile: Profile) -> tuple[str, list[FileState]]:
    """`render --check`: up to date, needs `update` (edits apply cleanly), or drifted."""
    broken: dict[str, list[str]] = {}
    for relative, message in broken_rules(update, profile):
        broken.setdefault(relative, []).append(message)
    states = []
    for f in update.files:
        path, action, current = f.planned.path, f.action, f.planned.current
        to_render = unified(f.relative, current, f.planned.text)
        if f.unresolved:
            states.append(FileState("conflict", path, f"line {f.unresolved}: a conflict is not "
                                    "resolved yet", to_render))
        elif f.relative in broken:
            states.append(FileState("drift", path, "; ".join(broken[f.relative]), to_render))
        elif action == CONFLICT:
            lines = ", ".join(map(str, f.merged.on_disk)) if f.merged else ""
            why = ("no record of the last render to merge from" if f.base is None
                   else "the edits and this render change the same lines")
            states.append(FileState("conflict", path, f"line {lines}: {why}", to_render))
        elif action == NEW:
            missing = update.recorded is None or f.relative in update.recorded
            states.append(FileState("drift" if missing else "update", path,
                                    "missing" if missing else "new file", to_render))
        elif (damage := byte_damage(current, f.planned.text)) is not None:
            states.append(FileState("drift", path, damage, to_render))
        elif action == SAME:
            states.append(FileState("ok", path, "edits kept" if f.edited else "", ""))
        else:
            detail = "merges the edits" if action == MERGE else ""
            states.append(FileState("update", path, detail, unified(f.relative, current, f.text)))
    if update.record.status != IDENTICAL:
        states.append(FileState("update", update.record.path, "the record of the last render",
                                update.record.diff()))
    words = {s.word for s in states}
    state = (DRIFTED if words & {"drift", "conflict"} else
             NEEDS_UPDATE if "update" in words else UP_TO_DATE)
    return state, states


def verdict(state: str, states: Sequence[FileState]) -> str | None:
    """The closing line of `render --check`."""
    pending = [s for s in states if s.word == "update"]
    if state == DRIFTED:
        return ("drifted: files on disk differ from what tightship would write in a way "
                "`tightship update` cannot merge or tightship's rules refuse")
    if state == NEEDS_UPDATE and all(s.path.as_posix().endswith(RECORD_FILE) for s in pending):
        return ("needs update: nothing records this render yet; run `tightship update` and "
                f"commit {RECORD_DIR}/ with the files")
    if state == NEEDS_UPDATE:
        return ("needs update: the answers or the profile changed; run `tightship update` "
                "(the edits on disk still apply cleanly)")
    return None


def conflict_report(update: UpdatePlan) -> list[str]:
    """One line per file in conflict after `update`, naming its lines, then what to do."""
    lines = []
    for item in update.conflicts:
        marked = item.merged.conflicts if item.merged is not None else []
        where = ", ".join(item.where(line) for line in marked)
        how = (f"the lines on disk kept, this render's change in {item.planned.path}.rej"
               if update.mode == REJ else "marked with <<<<<<< lines")
        why = ("the edits and this render change the same lines" if item.base is not None
               else f"no record of the last render in {update.out_dir / RECORD_FILE} to merge "
                    "from")
        lines.append(f"conflict: {where}: {why} ({how})")
    if lines:
        lines.append(f"{len(lines)} file(s) in conflict: resolve them, then run "
                     "`tightship render --check`")
    return lines
