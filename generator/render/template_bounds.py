"""A jinja2 sandbox with bounds: an org template can neither run code nor exhaust the machine.

The immutable sandbox already keeps templates away from Python internals (`__globals__`,
`__class__`, `__mro__`, ...) and caps `range`. What it leaves open is size and time: one
expression (`'x' * 10**10`, `10**10**10`, `'%0999999999d' % 1`, `'x'|center(10**10)`) can ask
for gigabytes, and loops can spin for hours. Here every operation that makes a big value is
judged before it runs, and a deadline is checked while the template runs.
"""

from __future__ import annotations

import math
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.runtime import Context
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

from generator.errors import UserError

# The largest generated file is a few kilobytes; a template that makes a megabyte is broken.
MAX_OUTPUT = 1_000_000
MAX_SECONDS = 5.0
# Whoever runs the render may set another time bound; the profile, whose templates are
# bounded, cannot.
SECONDS_VARIABLE = "TIGHTSHIP_TEMPLATE_SECONDS"
# Integers beyond this many bits take long to make and cannot be printed (Python's
# 4300-digit limit); no output needs them.
MAX_INT_BITS = 4096
# A width or precision in a format string (`%0999999d`, `{:>999999}`) as big as the output bound.
_HUGE_FIELD = re.compile("[0-9]{" + str(len(str(MAX_OUTPUT))) + ",}")


class TemplateLimit(SecurityError):
    """A template passed a size or time bound (a kind of sandbox violation)."""


def _size(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return 0
    try:
        return len(value)
    except TypeError:
        return 0


def _check_int(value: Any) -> None:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimit(f"an integer above {MAX_INT_BITS} bits")


Value = TypeVar("Value")


def _check_size(value: Value, what: str = "a value") -> Value:
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_OUTPUT:
        raise TemplateLimit(f"{what} longer than {MAX_OUTPUT:,} characters")
    _check_int(value)
    return value


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _HUGE_FIELD.search(text):
        raise TemplateLimit(f"a format field wider than {MAX_OUTPUT:,} characters")


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """No call gets a count or width beyond the output bound (center, indent, ljust, zfill...)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                abs(value) > MAX_OUTPUT):
            raise TemplateLimit(f"an argument of {value:.3g}, above the bound of {MAX_OUTPUT:,}")


def time_bound() -> float:
    """The CPU seconds a template may take: $TIGHTSHIP_TEMPLATE_SECONDS, else MAX_SECONDS."""
    text = os.environ.get(SECONDS_VARIABLE, "").strip()
    if not text:
        return MAX_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds <= 3600):  # also refuses nan and inf
        raise UserError(f"must be a number of seconds above 0 and at most 3600, "
                        f"not {text[:40]!r}", field=SECONDS_VARIABLE)
    return seconds


class Deadline:
    """The CPU time a render must have ended by; checked at every sandbox hook and output chunk.

    CPU time, not the wall clock: a busy machine must not fail a render that is merely slow.
    In the main thread a CPU timer signal also interrupts loops that call no hook at all.
    """

    def __init__(self, seconds: float = MAX_SECONDS) -> None:
        self.seconds = seconds
        self.until: float | None = None

    def check(self) -> None:
        if self.until is not None and time.process_time() > self.until:
            raise self.passed()

    def passed(self) -> TemplateLimit:
        return TemplateLimit(f"rendering took more than {self.seconds:g} seconds of CPU time")

    def running(self) -> _Running:
        return _Running(self)


class _Running:
    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.alarm = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> None:
        self.deadline.until = time.process_time() + self.deadline.seconds
        if self.alarm:
            self.previous = signal.signal(signal.SIGVTALRM, self._ring)
            signal.setitimer(signal.ITIMER_VIRTUAL, self.deadline.seconds + 0.5)

    def _ring(self, signum: int, frame: object) -> None:
        raise self.deadline.passed()

    def __exit__(self, *exc: object) -> None:
        if self.alarm:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, self.previous)
        self.deadline.until = None


class _BoundedCodeGenerator(CodeGenerator):
    """`a ~ b` joins through the environment, so string growth by concatenation is bounded."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.deadline = Deadline(time_bound())
        self.globals["range"] = self._range
        self.filters = {name: self._bounded_filter(f) for name, f in self.filters.items()}

    # -- hooks the sandbox calls --------------------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.deadline.check()
        if operator == "*":
            count, item = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(count, int) and _size(item) * max(count, 0) > MAX_OUTPUT:
                raise TemplateLimit(f"a value longer than {MAX_OUTPUT:,} characters")
            if isinstance(left, int) and isinstance(right, int) and (
                    left.bit_length() + right.bit_length() > MAX_INT_BITS):
                raise TemplateLimit(f"an integer above {MAX_INT_BITS} bits")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and (
                    right > MAX_INT_BITS or left.bit_length() * right > MAX_INT_BITS):
                raise TemplateLimit(f"an integer above {MAX_INT_BITS} bits")
        elif operator == "+":
            if _size(left) + _size(right) > MAX_OUTPUT:
                raise TemplateLimit(f"a value longer than {MAX_OUTPUT:,} characters")
        elif operator == "%":
            _check_format(left)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.deadline.check()
        _check_args(args, kwargs)
        bound_to = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        _check_format(bound_to)  # str.format / format_map on a format string
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.deadline.check()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.deadline.check()
        return super().getitem(obj, argument)

    def bounded_join(self, parts: tuple[Any, ...]) -> str:
        self.deadline.check()
        if sum(_size(p) if isinstance(p, str) else 0 for p in parts) > MAX_OUTPUT:
            raise TemplateLimit(f"a value longer than {MAX_OUTPUT:,} characters")
        return _check_size("".join(str(p) for p in parts))

    # -- what templates are given -------------------------------------------------------------

    def _range(self, *args: int) -> Iterator[int]:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateLimit(f"a range of more than {MAX_RANGE:,} items")
        for number in numbers:  # each step checks the clock: loops end in time
            self.deadline.check()
            yield number

    def _bounded_filter(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.deadline.check()
            _check_args(args[2:] if _passes_context(function) else args[1:], kwargs)
            if function.__name__ == "do_format" and args:
                _check_format(args[0])
            return _check_size(function(*args, **kwargs))

        if _passes_context(function):  # keep the pass_context / pass_environment marker
            # jinja reads the marker off the function object itself
            bounded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
        bounded.__name__ = getattr(function, "__name__", "filter")
        return bounded


def _passes_context(function: Callable[..., Any]) -> bool:
    return hasattr(function, "jinja_pass_arg")
