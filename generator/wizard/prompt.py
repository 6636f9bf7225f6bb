"""`tightship new`: ask the questions in a terminal, then write the answers file and what
`render` makes of it.

The only module that imports questionary (the command line imports this one lazily, inside the
`new` command). The questions themselves, their defaults and validators are data
(`questions.py`, `topics/`); what the answers would write is `preview.py`'s, the summary
`summary.py`'s. Nothing is written before the user has seen the summary and the plan (create /
identical / conflict) and said so.

Text for the user goes to the `out` stream the command line hands in; Ctrl-C and end of input
propagate (KeyboardInterrupt, EOFError) for the command line to report.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import questionary
from questionary import Choice

from generator.errors import UserError
from generator.render.answers import load_answers
from generator.render.profiles import Profile, load_profile
from generator.render.writer import PlannedFile, write
from generator.wizard.answers_file import ANSWERS_FILE
from generator.wizard.detect import detect
from generator.wizard.model import InvalidTypedValue, Question, QuestionContext
from generator.wizard.preview import Prepared, prepare
from generator.wizard.questions import BY_KEY, applicable, dependents, question_for
from generator.wizard.summary import label, summary_lines

_MISSING = object()
BACK = "@back"

# Where prompt_toolkit builds its stock key bindings, once per Application or PromptSession.
_STOCK_BINDINGS = {
    "prompt_toolkit.application.application": ("load_key_bindings",
                                               "load_page_navigation_bindings"),
    "prompt_toolkit.shortcuts.prompt": ("load_auto_suggest_bindings",
                                        "load_open_in_editor_bindings"),
}


def share_stock_key_bindings() -> None:
    """Build prompt_toolkit's stock key bindings once per process, not once per question.

    Every questionary prompt is a new Application, and each one built its ~600 default
    bindings anew (about 30 ms of CPU, half of a whole wizard run). They hold no state of
    their own: their filters and handlers ask the running application when a key arrives, so
    one set serves every question in turn."""
    for module_name, loaders in _STOCK_BINDINGS.items():
        module = importlib.import_module(module_name)
        for name in loaders:
            loader = getattr(module, name)
            if not hasattr(loader, "cache_info"):  # not already shared
                setattr(module, name, functools.cache(loader))


share_stock_key_bindings()


@dataclass
class WizardResult:
    planned: list[PlannedFile] = field(default_factory=list)
    written: bool = False  # False: the user cancelled, nothing was written
    answers_path: Path | None = None
    profile: str = "default"


class Wizard:
    def __init__(self, root: Path, profile: str, out: TextIO):
        self.root = root
        self.profile_name = profile
        self.out = out
        loaded: Profile = load_profile(profile)
        project = detect(root)
        self.ctx = QuestionContext(root=root, profile=loaded, project=project)
        self.previous_note = ""
        existing = root / ANSWERS_FILE
        if existing.is_file():
            try:
                self.ctx.previous = load_answers(existing).data
                self.previous_note = f"{existing} exists: its answers are the defaults."
            except UserError as exc:
                self.previous_note = (f"{existing} exists but is not valid ({exc.message}); "
                                      "its answers are not used.")

    # --- talking -----------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def intro(self) -> None:
        self.say(f"tightship new: the answers for one service in {self.root}, "
                 f"profile '{self.ctx.profile.name}'.")
        self.say("Enter keeps the suggested answer. Ctrl-C quits; nothing is written until "
                 "you confirm.")
        project = self.ctx.project
        found = []
        if project.runtime:
            found.append(f"a {project.runtime.value} project ({project.runtime.source})")
        if project.port:
            found.append(f"port {project.port.value} ({project.port.source})")
        if found:
            self.say("Detected " + " and ".join(found) + ".")
        if self.previous_note:
            self.say(self.previous_note)

    # --- asking ------------------------------------------------------------------------------

    def ask(self, q: Question, default: Any = _MISSING, error: str | None = None) -> Any:
        ctx = self.ctx
        self.say()
        help_line = q.help_text(ctx)
        if help_line:
            self.say(f"  {help_line}")
        if error:
            self.say(f"  ! {error}")
        value = q.suggestion(ctx) if default is _MISSING else default
        if q.kind == "select":
            return self._select(q, value)
        if q.kind == "capabilities":
            return self._capabilities(q, value or {})

        text = questionary.text(q.prompt, default=q.format(value),
                                validate=lambda typed: self.check_text(q, typed)).unsafe_ask()
        return q.parse(text)

    def check_text(self, q: Question, text: str) -> bool | str:
        """The prompt's validator: True, or the message shown under the prompt (it stays)."""
        try:
            parsed = q.parse(text)
        except InvalidTypedValue as exc:
            return str(exc)
        return self.check_value(q, parsed)

    def check_value(self, q: Question, value: Any) -> bool | str:
        return q.validate(value, self.ctx) or True

    def _select(self, q: Question, value: Any) -> Any:
        options = q.options(self.ctx)
        values = [v for _, v in options]
        if value not in values:
            value = str(value) if str(value) in values else (values[0] if values else None)
        answer = questionary.select(q.prompt, choices=[Choice(t, value=v) for t, v in options],
                                    default=value).unsafe_ask()
        problem = q.validate(answer, self.ctx)
        if problem:  # choices come from the profile: a broken profile, not a typo
            raise UserError(problem, field=q.key)
        before = self.ctx.previously(q.key)
        if before is not None and str(before) == str(answer):
            return before  # `version: 22` stays a number, as the existing file wrote it
        return answer

    def _capabilities(self, q: Question, current: dict) -> dict:
        ctx = self.ctx
        chosen = questionary.checkbox(
            q.prompt,
            choices=[Choice(title, value=cap, checked=cap in current)
                     for title, cap in q.options(ctx)],
            instruction="(space selects, enter confirms; none is the safe answer)",
        ).unsafe_ask()
        reasons: dict[str, str] = {}
        for cap in chosen:
            def check(text: str, cap: str = cap) -> bool | str:
                return self.check_value(q, {**reasons, cap: text.strip()})

            reason = questionary.text(f"Why does the service need {cap}?",
                                      default=current.get(cap, ""),
                                      validate=check).unsafe_ask()
            reasons[cap] = reason.strip()
        return reasons

    def ask_missing(self) -> None:
        """Ask every question that applies and has no answer yet, in order; drop the answers
        of questions that no longer apply."""
        ctx = self.ctx
        while True:
            pending = next((q for q in applicable(ctx) if q.key not in ctx.answers), None)
            if pending is None:
                break
            ctx.answers[pending.key] = self.ask(pending)
        asked = {q.key for q in applicable(ctx)}
        for key in list(ctx.answers):
            if key not in asked:
                del ctx.answers[key]

    def change(self, key: str, error: str | None = None) -> None:
        """Ask one question again; if the answer changes, the questions that hang on it are
        asked again too, with fresh defaults."""
        ctx = self.ctx
        q = BY_KEY[key]
        before = ctx.answers.get(key, _MISSING)
        default = q.suggestion(ctx) if before is _MISSING else before
        after = self.ask(q, default=default, error=error)
        ctx.answers[key] = after
        if after != before:
            for other in dependents(key):
                ctx.answers.pop(other, None)
        self.ask_missing()

    # --- checking and rendering ----------------------------------------------------------

    def prepare(self) -> Prepared:
        """Render from the answers file text, exactly as `render --answers` would read it."""
        return prepare(self.ctx, self.profile_name, self.root)

    # --- the summary ---------------------------------------------------------------------

    def summary(self, ready: Prepared) -> None:
        for line in summary_lines(ready, self.ctx):
            self.say(line)

    def menu(self, ready: Prepared | None) -> str:
        choices = []
        if ready is not None:
            count = len(ready.to_write)
            conflicts = ready.conflicts
            if not count:
                choices.append(Choice("Finish: every file is already up to date", "finish"))
            elif conflicts:
                choices.append(Choice("Show the differences", "diff"))
                choices.append(Choice(f"Write {count} file(s), replacing the {len(conflicts)} "
                                      "that differ", "replace"))
            else:
                if ready.differing:
                    choices.append(Choice("Show the differences", "diff"))
                choices.append(Choice(f"Write {count} file(s)", "write"))
        choices.append(Choice("Change an answer", "change"))
        choices.append(Choice("Cancel: write nothing", "cancel"))
        return questionary.select("What now?", choices=choices).unsafe_ask()

    def confirm_replace(self, conflicts: list[PlannedFile]) -> bool:
        names = ", ".join(p.relative for p in conflicts)
        return questionary.confirm(f"Replace {names}?", default=False).unsafe_ask()

    def pick_answer(self) -> str | None:
        ctx = self.ctx
        choices = [Choice(f"{label(q):<20} {q.format(ctx.answers[q.key]) or '(none)'}", q.key)
                   for q in applicable(ctx) if q.key in ctx.answers]
        choices.append(Choice("Back to the summary", BACK))  # (a None value means the title)
        key = questionary.select("Which answer?", choices=choices).unsafe_ask()
        return None if key == BACK else key

    # --- the whole conversation ----------------------------------------------------------

    def run(self) -> WizardResult:
        self.intro()
        self.ask_missing()
        result = WizardResult(answers_path=self.root / ANSWERS_FILE, profile=self.profile_name)
        while True:
            try:
                ready: Prepared | None = self.prepare()
            except UserError as exc:
                where = f"{exc.field}: " if exc.field else ""
                q = question_for(exc.field, self.ctx)
                self.say()
                self.say(f"! {where}{exc.message}")
                if q is not None:
                    self.change(q.key, error=f"{where}{exc.message}")
                    continue
                if exc.field and exc.field != "out":
                    self.say(f"  The wizard does not ask about {exc.field}: it "
                             f"was kept from {ANSWERS_FILE}. Change another answer, or cancel "
                             "and edit the file.")
                ready = None
            if ready is not None:
                self.summary(ready)
            while True:
                action = self.menu(ready)
                if action == "diff" and ready is not None:
                    for item in ready.differing:
                        self.out.write(item.diff())
                    continue
                break
            if action == "change":
                key = self.pick_answer()
                if key is not None:
                    self.change(key)
                continue
            if action == "cancel":
                return result
            assert ready is not None
            if action == "replace" and not self.confirm_replace(ready.conflicts):
                continue
            # a conflict is replaced only after the yes above; a merge keeps the edits
            result.planned = write(ready.planned, force=True)
            result.written = True
            return result


def run_wizard(root: Path, profile: str, out: TextIO) -> WizardResult:
    return Wizard(root, profile, out).run()
