"""The wizard's questions, in the order they are asked, and how they hang together: which
apply to the answers so far, which are asked again when an answer changes, and which one
answers an error's field.

The questions themselves live by topic in `topics/`; the model in `model.py`. Nothing here talks
to a terminal; `prompt.py` asks the questions.
"""

from __future__ import annotations

from generator.wizard.model import Question, QuestionContext
from generator.wizard.topics import contents, hardening, image, ports

QUESTIONS: tuple[Question, ...] = (
    *image.QUESTIONS, *ports.QUESTIONS, *contents.QUESTIONS, *hardening.QUESTIONS)

BY_KEY = {q.key: q for q in QUESTIONS}


def applicable(ctx: QuestionContext) -> list[Question]:
    """The questions asked for the answers so far, in order."""
    return [q for q in QUESTIONS if q.when(ctx)]


def dependents(key: str) -> list[str]:
    """Keys whose question hangs on `key`, directly or through another answer."""
    found: list[str] = []
    todo = [key]
    while todo:
        current = todo.pop()
        for q in QUESTIONS:
            if current in q.depends and q.key not in found and q.key != key:
                found.append(q.key)
                todo.append(q.key)
    return found


def question_for(field_path: str | None, ctx: QuestionContext) -> Question | None:
    """The asked question that answers an error's field (`build.dependencies[0]`, `env.X`,
    or a whole section such as `build`: then its first asked question)."""
    if not field_path:
        return None
    asked = applicable(ctx)
    parts = field_path.replace("[", ".[").split(".")
    for size in range(len(parts), 0, -1):
        key = ".".join(parts[:size])
        for q in asked:
            if q.key == key:
                return q
    kept = ".".join(part for part in parts if not part.startswith("["))
    if len(parts) > 1 and ctx.previously(kept) is not None:
        return None  # a key kept from the existing file (run.publish): no question answers it
    prefix = parts[0] + "."
    return next((q for q in asked if q.key.startswith(prefix)), None)

