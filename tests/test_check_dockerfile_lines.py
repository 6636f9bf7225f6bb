"""check reads a Dockerfile's instructions itself (no dockerfile-parse import on a cold start):
the same instructions, lines and values as dockerfile-parse, on every Dockerfile the tests and
examples hold and on generated ones (continuations, comments inside them, blanks, heredocs,
odd whitespace, a missing last newline); a file that may set its escape character is read by
dockerfile-parse itself."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from generator.check.dockerfile_lines import instructions
from generator.check.parsing import parse_dockerfile

REPO = Path(__file__).resolve().parent.parent
KNOWN = sorted(p for folder in ("tests", "examples", "bench")
               for p in (REPO / folder).rglob("*")
               if p.is_file() and "dockerfile" in p.name.lower() and "__pycache__" not in p.parts
               and p.suffix not in (".py", ".pyc", ".j2"))


def reference(text: str) -> list[dict]:
    """dockerfile-parse's instructions, comments left out (check skips them too)."""
    structure = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8"))).structure
    return [{key: item[key] for key in ("instruction", "startline", "endline", "value")}
            for item in structure if item["instruction"] != "COMMENT"]


def test_the_known_dockerfiles_read_as_dockerfile_parse_reads_them():
    assert len(KNOWN) > 100
    for path in KNOWN:
        text = path.read_text(encoding="utf-8", errors="replace")
        mine = instructions(text)
        if mine is not None:
            assert mine == reference(text), path


LINES = ["FROM debian:12", "RUN a \\", "RUN a\\", "  && b \\  ", "    c", "", "   ", "# note",
         "  # RUN x \\", "#", "CMD [\"x\"]", "run lower", "ARG X=1", "\tENV A=b \\\t",
         "COPY <<EOF /x", "EOF", "RUN\\", "RUN", "LABEL a=\u00e9 \\\u2028", "X\x0cY \\",
         "RUN a\rb", "\\", " \\ ", "USER 10001"]


@pytest.mark.parametrize("seed", range(6))
def test_generated_dockerfiles_read_as_dockerfile_parse_reads_them(seed):
    rnd = random.Random(seed)
    for _ in range(400):
        text = "\n".join(rnd.choice(LINES) for _ in range(rnd.randint(0, 12)))
        text += rnd.choice(["", "\n", "\n\n", " \\\n"])
        assert instructions(text) == reference(text), repr(text)


@pytest.mark.parametrize("first", ["# escape=`", "# syntax=docker/dockerfile:1\n# ESCAPE=`"])
def test_an_escape_directive_is_read_by_dockerfile_parse(first):
    text = first + "\nFROM debian:12\nRUN a `\n  b\n"
    assert instructions(text) is None
    doc = parse_dockerfile("Dockerfile", text)
    top = first.count("\n") + 2  # FROM's line
    assert [(i.keyword, i.line, i.end, i.value) for i in doc.instructions] == [
        ("FROM", top, top, "debian:12"), ("RUN", top + 1, top + 2, "a   b")]


@pytest.mark.parametrize("first", ["#escape = \\", "# a comment\n# escape=`"])
def test_what_may_be_an_escape_directive_is_left_to_dockerfile_parse(first):
    assert instructions(first + "\nFROM debian:12\n") is None
