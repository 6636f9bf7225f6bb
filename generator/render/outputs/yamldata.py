"""The YAML documents the outputs build: mappings and sequences with end-of-line comments.

They are a plain dict and list that hold their comments beside them. ruamel.yaml's
CommentedMap held them before; building and walking it cost more than writing the text (each
comment a token object, each read through a property or an overridden method). yamltext.py
writes these directly; for a document it leaves to ruamel.yaml's dumper, `commented` gives the
same document as ruamel's own types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


class Mapping(dict[Any, Any]):
    """A block mapping; `comments`: the end-of-line comment after a key's line, by key."""

    __slots__ = ("comments",)

    def __init__(self) -> None:
        super().__init__()
        self.comments: dict[Any, str] = {}


class Sequence(list[Any]):
    """A sequence (`flow`: written `[a, b]` on its key's line); `comments`: by index."""

    __slots__ = ("comments", "flow")

    def __init__(self, values: Iterable[Any] = (), *, flow: bool = False) -> None:
        super().__init__(values)
        self.comments: dict[int, str] = {}
        self.flow = flow


def comment_text(comment: str) -> str:
    """A comment as written after its value (ruamel.yaml's rule: `# ` unless it has one)."""
    return comment if comment.startswith("#") else "# " + comment


def mapping(*items: tuple[Any, ...]) -> Mapping:
    """A mapping from (key, value) or (key, value, comment) items; None values are left out."""
    node = Mapping()
    for item in items:
        key, value = item[0], item[1]
        if value is None:
            continue
        node[key] = value
        if len(item) > 2 and item[2]:
            node.comments[key] = comment_text(item[2])
    return node


def sequence(values: Iterable[Any], comments: Iterable[str | None] = (), *,
             flow: bool = False) -> Sequence:
    node = Sequence(values, flow=flow)
    for index, comment in enumerate(comments):
        if comment:
            node.comments[index] = comment_text(comment)
    return node


def commented(node: Any) -> Any:
    """The same document as ruamel.yaml's CommentedMap / CommentedSeq, for its dumper."""
    if isinstance(node, Mapping):
        result = CommentedMap()
        for key, value in node.items():
            result[key] = commented(value)
        for key, comment in node.comments.items():
            result.yaml_add_eol_comment(comment, key, column=0)
        return result
    if isinstance(node, Sequence):
        seq = CommentedSeq([commented(item) for item in node])
        for index, comment in node.comments.items():
            seq.yaml_add_eol_comment(comment, index, column=0)
        if node.flow:
            seq.fa.set_flow_style()
        return seq
    return node
