"""The question model: one key of `tightship.yaml` (dotted, e.g. `build.dependencies`), its
prompt, the one line that explains the hardening decision behind it, its default (an existing
answers file, then what the folder suggests, then the profile), its choices, when it is asked,
how the typed text becomes a value, and its validator.

The validator is the answers file's own JSON Schema, the subschema of that key
(`answer_schema.py`): the wizard cannot accept a value `render` would refuse. Rules that span
several answers are `build_spec`'s, checked on the whole answers before the summary.

Nothing here talks to a terminal; `prompt.py` asks the questions.
"""

from __future__ import annotations

import copy
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.render.profiles import Profile
from generator.runtimes import RUNTIMES, Runtime
from generator.wizard import detect
from generator.wizard.answer_schema import schema_error

HEALTH_KIND = "_health"  # the wizard's own choice (an HTTP path or a command); not written


class InvalidTypedValue(ValueError):
    """The typed text cannot become a value of the question's kind."""


@dataclass
class QuestionContext:
    """Everything a question's default, choices and `when` may read."""

    root: Path
    profile: Profile
    project: detect.Project
    answers: dict[str, Any] = field(default_factory=dict)  # dotted key -> value, as answered
    previous: dict[str, Any] = field(default_factory=dict)  # an existing answers file (plain)
    _suggested: dict = field(default_factory=dict, repr=False)  # (runtime, service) -> guesses

    def get(self, key: str, default: Any = None) -> Any:
        return self.answers.get(key, default)

    @property
    def runtime(self) -> str:
        return self.answers.get("runtime", "")

    @property
    def service(self) -> str:
        return self.answers.get("service", "service")

    def suggested(self, key: str) -> Any:
        """What the project folder suggests for `key` under the runtime chosen so far."""
        which = (self.runtime, self.service)
        if which not in self._suggested:
            self._suggested[which] = detect.runtime_defaults(self.root, *which)
        return copy.deepcopy(self._suggested[which].get(key))

    def previously(self, key: str) -> Any:
        """The existing answers file's value of a dotted key (or the wizard's own choice)."""
        if key == HEALTH_KIND:
            health = self.previous.get("healthcheck") or {}
            if health.get("command"):
                return "command"
            return "http" if health.get("http") else None
        return lookup(self.previous, key)

    def run_image(self):
        versions = self.profile.runtimes.get(self.runtime, {})
        version = self.answers.get("version") or next(iter(versions), None)
        images = versions.get(str(version)) if version is not None else None
        return images.run if images else None

    def described(self) -> Runtime | None:
        """The registry's entry for the chosen runtime (None before one is chosen)."""
        return RUNTIMES.get(self.runtime)

    def build_image(self):
        runtime = self.described()
        if runtime is None or not runtime.built:
            return None
        versions = self.profile.runtimes.get(self.runtime, {})
        version = self.answers.get("version") or next(iter(versions), None)
        images = versions.get(str(version)) if version is not None else None
        return images.build if images else None


Help = str | Callable[[QuestionContext], str]


@dataclass(frozen=True)
class Question:
    key: str  # dotted answers key; HEALTH_KIND is the wizard's own
    kind: str  # text | list | argv | steps | ports | env | volumes | select | capabilities
    prompt: str
    help: Help = ""  # one line: why this matters for the hardening
    default: Callable[[QuestionContext], Any] | None = None
    choices: Callable[[QuestionContext], list[tuple[str, Any]]] | None = None  # (title, value)
    when: Callable[[QuestionContext], bool] = lambda ctx: True
    depends: tuple[str, ...] = ()  # answers whose change asks this one again
    required: bool = False  # an empty answer is refused (else it leaves the key out)
    check: Callable[[Any, QuestionContext], str | None] | None = None  # a rule of this field alone
    # An answer equal to the default (the profile's) is left out of a new answers file, so
    # the service goes on following its profile.
    follows_profile: bool = False

    @property
    def stored(self) -> bool:
        """Whether the answer is a key of the answers file (not the wizard's own choice)."""
        return not self.key.startswith("_")

    def help_text(self, ctx: QuestionContext) -> str:
        return self.help(ctx) if callable(self.help) else self.help

    def suggestion(self, ctx: QuestionContext) -> Any:
        """The default: the existing answers file (if what it hangs on is unchanged), then the
        question's own default (the folder, then the profile)."""
        before = ctx.previously(self.key)
        if before is not None and all(ctx.previously(d) == ctx.get(d) for d in self.depends
                                      if d in ctx.answers):  # (unasked ones changed nothing)
            return copy.deepcopy(before)
        return self.default(ctx) if self.default else None

    def written(self, value: Any, ctx: QuestionContext) -> bool:
        """Whether the answers file holds this answer (an existing file's value stays)."""
        if not self.stored:
            return False
        return not (self.follows_profile and self.default is not None
                    and ctx.previously(self.key) is None and value == self.default(ctx))

    def options(self, ctx: QuestionContext) -> list[tuple[str, Any]]:
        return self.choices(ctx) if self.choices else []

    # --- text <-> value --------------------------------------------------------------------

    def parse(self, text: str) -> Any:
        text = text.strip()
        if self.kind == "text":
            return text or None
        if self.kind == "list":
            return [word for word in text.replace(",", " ").split() if word]
        if self.kind == "argv":
            try:
                return shlex.split(text)
            except ValueError as exc:
                raise InvalidTypedValue(f"cannot split into words: {exc} "
                                        "(close the quote)") from None
        if self.kind == "steps":  # commands separated by ';', each split like argv
            try:
                lexer = shlex.shlex(text, posix=True, punctuation_chars=";")
                lexer.whitespace_split = True
                words = list(lexer)
            except ValueError as exc:
                raise InvalidTypedValue(f"cannot split into words: {exc} "
                                        "(close the quote)") from None
            steps: list[list[str]] = [[]]
            for word in words:
                if word == ";":
                    steps.append([])
                else:
                    steps[-1].append(word)
            return [step for step in steps if step]
        if self.kind == "ports":
            ports = []
            for word in text.replace(",", " ").split():
                if not word.isdigit():
                    raise InvalidTypedValue(f"'{word}' is not a port number")
                ports.append(int(word))
            return ports
        if self.kind == "env":
            try:
                words = shlex.split(text)
            except ValueError as exc:
                raise InvalidTypedValue(f"cannot split into words: {exc} "
                                        "(close the quote)") from None
            env: dict[str, str] = {}
            for word in words:
                key, sep, value = word.partition("=")
                if not sep or not key:
                    raise InvalidTypedValue(f"'{word}' is not KEY=VALUE")
                env[key] = value
            return env
        if self.kind == "volumes":
            return [_parse_volume(word) for word in text.replace(",", " ").split()]
        raise ValueError(f"a {self.kind} question has no text form")

    def format(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "text":
            return str(value)
        if self.kind in ("list", "ports"):
            return ", ".join(str(v) for v in value)
        if self.kind == "argv":
            return shlex.join(value)
        if self.kind == "steps":
            return " ; ".join(shlex.join(step) for step in value)
        if self.kind == "env":
            return " ".join(shlex.quote(f"{k}={v}") for k, v in value.items())
        if self.kind == "volumes":
            return " ".join(":".join([v["name"], v["path"], *([v["size"]] if "size" in v else []),
                                      *(["ro"] if v.get("read_only") else [])]) for v in value)
        if self.kind == "select":
            return ("yes" if value else "no") if isinstance(value, bool) else str(value)
        if self.kind == "capabilities":
            return ", ".join(value) if value else "none"
        return str(value)

    # --- the validator -----------------------------------------------------------------------

    def validate(self, value: Any, ctx: QuestionContext) -> str | None:
        """None when `value` is acceptable; otherwise the message to show."""
        if is_empty(value):
            return "needs an answer" if self.required else None
        if self.stored:
            message = schema_error(self.key, value)
            if message:
                return message
        if self.check:
            return self.check(value, ctx)
        return None


def _parse_volume(word: str) -> dict:
    """`NAME:PATH[:SIZE][:ro]`, e.g. `uploads:/data/uploads:5Gi`."""
    parts = word.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise InvalidTypedValue(f"'{word}' is not NAME:PATH[:SIZE][:ro]")
    volume: dict[str, Any] = {"name": parts[0], "path": parts[1]}
    for extra in parts[2:]:
        if extra == "ro":
            volume["read_only"] = True
        elif extra and "size" not in volume:
            volume["size"] = extra
        else:
            raise InvalidTypedValue(f"'{word}' is not NAME:PATH[:SIZE][:ro]")
    return volume


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def lookup(data: dict, key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node

