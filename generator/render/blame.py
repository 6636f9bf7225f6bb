"""A rendered file the self-check refuses is reported against the answer that put the text
there (`tightship.yaml:11: build.command[2]`), not only against the generated file's line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from generator.errors import UserError
from generator.messages import clip, shown
from generator.render.answers import Answers
from generator.render.validation import field_error


class Refused(Protocol):
    """What is read of a self-check finding (the checker's Finding: render sees only this)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...


class Refusal(Protocol):
    """The self-check's error: the findings that refused the rendered files."""

    @property
    def findings(self) -> Sequence[Refused]: ...


# (other answers, a finding) -> whether those answers still give a finding of its rule and file
StillRefused = Callable[[Answers, Refused], bool]


def _leaves(data: Any, path: list[Any]) -> Iterator[tuple[list[Any], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield path + [key], str(key)
            yield from _leaves(value, path + [key])
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, path + [index])
    elif isinstance(data, str):
        yield path, data


def _written(value: str) -> tuple[str, ...]:
    """How a value can appear in a rendered line: as it is, or escaped as a JSON string."""
    return (value, json.dumps(value, ensure_ascii=True)[1:-1])


def _replaced(data: Any, path: list[Any], value: Any) -> Any:
    copy = json.loads(json.dumps(data))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def culprit(line_text: str, finding: Refused, answers: Answers,
            still_refused: StillRefused) -> tuple[list[Any], str] | None:
    """The answer whose text is on the refused line and without which the finding goes away
    (tried longest first), or None."""
    found = [(path, value) for path, value in _leaves(answers.data, [])
             if len(value) >= 2 and any(form in line_text for form in _written(value))]
    found.sort(key=lambda item: -len(item[1]))
    for path, value in found:
        if path and isinstance(path[-1], str) and value == path[-1]:
            continue  # a key: keys are not swapped out
        trial = Answers(_replaced(answers.data, path, "x"), answers.layers, answers.base_dir)
        if not still_refused(trial, finding):
            return path, value
    return None  # no answer proved to be the cause: the template or the profile is


def blame_answer(error: Refusal, files: dict[str, str], answers: Answers,
                 still_refused: StillRefused) -> UserError | None:
    """The SelfCheckError `error` as a UserError naming the answer behind its first finding.

    `still_refused(answers, finding)` renders other answers and says whether a finding of
    the same rule in the same file remains.
    """
    for finding in error.findings:
        lines = files.get(finding.file, "").splitlines()
        if not 0 < finding.line <= len(lines):
            continue
        # an instruction may run on over continuation lines: read to its end
        text = lines[finding.line - 1]
        for more in lines[finding.line:finding.line + 20]:
            if not text.rstrip().endswith("\\"):
                break
            text += "\n" + more
        blamed = culprit(text, finding, answers, still_refused)
        if blamed is None:
            continue
        path, value = blamed
        others = len(error.findings) - 1
        more = f" (and {others} more finding{'s' if others > 1 else ''})" if others else ""
        return field_error(f"{shown(value)} gives {finding.file}:{finding.line}:{finding.column}: "
                    f"{finding.rule} ({finding.severity}) {clip(finding.message)}, so nothing "
                    f"was written{more}", answers.layers, path)
    return None
