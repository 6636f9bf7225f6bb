"""A rendered file's text that carries the values it was written from.

The render writes its YAML and JSON files from data, and the self-check then judges them with
`check`'s rules. Reading the text back only to get that same data again was most of the
self-check's cost, so the writers hand the data on with the text: the checker judges it
without positions, as it would judge a file it read plainly, and reads the text itself only
when a rule reports (to place the finding on its line). That is sound only because the writers
are faithful: tests/test_written_values.py reads every written file back, over every example,
built-in profile and fuzz input, and holds the result to the values carried here.

A WrittenText is a `str`: it is written, compared and hashed as its text. Any change to the
text (a concatenation, a replace) gives a plain `str`, so values never outlive their text.
"""

from __future__ import annotations

from typing import Any


class WrittenText(str):
    """The text of a YAML or JSON file and its documents, in order, as plain values (dict,
    list, str, int, float, bool): what a plain reader of the text gives."""

    __slots__ = ("documents",)
    documents: tuple[Any, ...]

    def __new__(cls, text: str, documents: list[Any]) -> WrittenText:
        written = super().__new__(cls, text)
        written.documents = tuple(documents)
        return written


def written_documents(text: str) -> list[Any] | None:
    """The documents `text` was written from, or None when it was not written by the render
    (then it is read)."""
    return list(text.documents) if isinstance(text, WrittenText) else None
