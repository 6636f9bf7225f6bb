"""Helpers (no tests): driving `tightship new` without a terminal, through prompt_toolkit's pipe
input, with the keys for each prompt sent just before it is shown."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.renderer import Renderer

from generator.wizard.prompt import Wizard
from generator.wizard.questions import applicable

ENTER, DOWN, UP, SPACE = "\r", "\x1b[B", "\x1b[A", " "
CTRL_C, CTRL_D, CTRL_U = "\x03", "\x04", "\x15"
EOF = object()  # close the input instead of typing
MENU, PICK, REPLACE = "@menu", "@pick", "@replace"


def typed(text: str) -> str:
    """Replace the suggested answer with `text` and press Enter."""
    return CTRL_U + text + ENTER


class Scripted(Wizard):
    """The real wizard, whose every prompt reads keys from a pipe; each prompt's keys are sent
    just before it is shown, from `script` (question key, or MENU / PICK / REPLACE -> the
    keys for each time it comes up). A prompt without a script gets Enter: the default."""

    def __init__(self, root: Path, pipe, script: dict, profile: str = "default"):
        super().__init__(root, profile, io.StringIO())
        self.pipe = pipe
        self.script = {k: list(v) if isinstance(v, list) else [v] for k, v in script.items()}
        self.asked: list[str] = []
        self.typed: list[str] = []
        # Each value a validator judged: (key, the text typed, the value, True or the message)
        self.checked: list[tuple[str, str | None, object, object]] = []

    def send(self, name: str) -> None:
        queue = self.script.get(name)
        keys = queue.pop(0) if queue else ENTER
        if keys is EOF:
            self.pipe.close()
        else:
            self.pipe.send_text(keys)

    def ask(self, q, *args, **kwargs):
        self.asked.append(q.key)
        self.send(q.key)
        return super().ask(q, *args, **kwargs)

    def check_text(self, q, text):
        self.typed.append(text)
        before = len(self.checked)
        verdict = super().check_text(q, text)
        if len(self.checked) == before:  # the text did not even parse
            self.checked.append((q.key, text, None, verdict))
        return verdict

    def check_value(self, q, value):
        verdict = super().check_value(q, value)
        self.checked.append((q.key, self.typed[-1] if self.typed else None, value, verdict))
        return verdict

    def menu(self, ready):
        self.asked.append(MENU)
        self.send(MENU)
        return super().menu(ready)

    def pick_answer(self):
        """PICK holds question keys: the keys to reach that line of the list are typed."""
        self.asked.append(PICK)
        queue = self.script.get(PICK)
        key = queue.pop(0) if queue else None
        keys = [q.key for q in applicable(self.ctx) if q.key in self.ctx.answers]
        index = keys.index(key) if key is not None else len(keys)
        self.pipe.send_text(DOWN * index + ENTER)
        return super().pick_answer()

    def confirm_replace(self, conflicts):
        self.asked.append(REPLACE)
        self.send(REPLACE)
        return super().confirm_replace(conflicts)

    @property
    def said(self) -> str:
        return self.out.getvalue()


@contextmanager
def pipe_session(watchdog: float = 30):
    """A prompt_toolkit session reading from a pipe and drawing nowhere. A prompt still
    waiting for keys after `watchdog` seconds gets end of input, so a wrong script fails
    (EOFError) instead of hanging.

    Nothing is laid out for the screen either: DummyOutput shows nothing, and laying out each
    prompt was half of a wizard run's CPU. Keys, validation and every answer still go through
    prompt_toolkit and questionary; tests/test_wizard_terminal.py draws in a real terminal."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()), \
            patch.object(Renderer, "render", lambda *args, **kwargs: None):
        timer = threading.Timer(watchdog, pipe.close)
        timer.daemon = True
        timer.start()
        try:
            yield pipe
        finally:
            timer.cancel()


def drive(root: Path, script: dict | None = None, profile: str = "default"):
    """Run the wizard on `root` to the end; returns (wizard, result)."""
    with pipe_session() as pipe:
        wizard = Scripted(root, pipe, script or {}, profile)
        result = wizard.run()
    return wizard, result


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root, relative path -> bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
