"""TS-B09.3 answers the common .dockerignore pattern shapes without compiling them: every
answer is fnmatch's, for plain names, leading and trailing stars, `?`, classes and specials."""

from __future__ import annotations

import fnmatch
import random

import pytest

from generator.check.documents import TextDoc
from generator.check.model import Context
from generator.check.rules import b09_dockerignore

PATTERN_CHARS = "ab./*?[]!\\-^$"
NAME_CHARS = "ab./*?[]\\"


def sample(rnd: random.Random, chars: str) -> str:
    return "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 6)))


def test_every_shape_matches_as_fnmatch_does():
    rnd = random.Random(14)
    compared = 0
    for _ in range(20000):
        pattern, name = sample(rnd, PATTERN_CHARS), sample(rnd, NAME_CHARS)
        want = fnmatch.fnmatchcase(name, pattern)
        assert b09_dockerignore._fnmatch(name, pattern) == want, (name, pattern)
        compared += want
    assert compared > 500  # the sample holds matches, not only misses


@pytest.mark.parametrize("text,reported", [
    ("*\n!app/\n**/.git\n**/.env\n**/.env.*\n**/*.key\n**/*.pem\n**/id_rsa*\n**/id_ed25519*\n",
     False),
    ("*\n!app/\n**/.git\n**/*.key\n**/*.pem\n**/id_rsa*\n**/id_ed25519*\n", True),  # app/.env
    ("*\n!app/\n**/.gi?\n**/.env*\n**/*.[kp][em][ym]\n**/id_*\n", False),
    ("*\n!app/\n.git\n**/.env*\n**/*.key\n**/*.pem\n**/id_*\n", True),  # app/.git gets in
])
def test_the_rule_reports_what_is_let_in(text, reported):
    doc = TextDoc(".dockerignore", text.splitlines())
    hits = list(b09_dockerignore.check(doc, Context()))
    assert bool(hits) == reported
