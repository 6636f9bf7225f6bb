"""One hierarchy of errors. The core raises these; only cli.py turns them into exit codes."""

from __future__ import annotations


class TightshipError(Exception):
    """Base of every error tightship reports to a user."""

    exit_code = 1


class UserError(TightshipError):
    """Bad input: a finished sentence, with the file, line and field it is about.

    Rendered as ``FILE:LINE: FIELD: MESSAGE`` so editors and CI logs can jump to it.
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        from generator.messages import MAX_MESSAGE, MAX_SHOWN, clip

        where = ""
        if self.file:
            where = clip(self.file, MAX_MESSAGE) + (f":{self.line}" if self.line else "") + ": "
        what = f"{clip(self.field, MAX_SHOWN)}: " if self.field else ""
        return f"{where}{what}{clip(self.message, MAX_MESSAGE)}"


class ConflictError(TightshipError):
    """A file on disk differs from what would be written and --force was not given."""

    exit_code = 1


class EngineError(TightshipError):
    """The Docker engine or a registry could not do what was asked."""

    exit_code = 3
