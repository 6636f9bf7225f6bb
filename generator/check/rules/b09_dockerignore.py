"""TS-B09.3: the .dockerignore keeps VCS data, .env files and keys out of the build context."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterator

from generator.check.documents import TextDoc
from generator.check.model import DOCKERIGNORE, Context, Equivalents, Hit, Rule

# What must never reach the context, as sample paths (top level and nested).
MUST_EXCLUDE = {
    ".git": [".git", "app/.git"],
    ".env": [".env", "app/.env", ".env.local"],
    "private keys": ["server.key", "certs/server.pem", "id_rsa", "conf/id_ed25519"],
}


def _patterns(doc: TextDoc) -> list[tuple[bool, str]]:
    rules = []
    for _, text in doc.numbered():
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        negate = text.startswith("!")
        pattern = text[1:].strip() if negate else text
        rules.append((negate, pattern.lstrip("/").rstrip("/")))
    return rules


def _literal(text: str) -> bool:
    return "*" not in text and "?" not in text and "[" not in text


def _fnmatch(name: str, pattern: str) -> bool:
    """fnmatch.fnmatchcase, which compiles every pattern to a regular expression, with the
    common shapes answered without one: a plain name, `*` then a plain end (`**/.git`,
    `*.pem`), a plain start then `*` (`id_rsa*`)."""
    if _literal(pattern):
        return name == pattern
    end = pattern.lstrip("*")
    if _literal(end):  # `*` matches anything, `/` too
        return name.endswith(end)
    start = pattern.rstrip("*")
    if _literal(start):
        return name.startswith(start)
    return fnmatch.fnmatchcase(name, pattern)


@functools.lru_cache(maxsize=4096)  # the same few patterns and sample paths in every file
def _matches(pattern: str, path: str) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]  # a folder covers all
    for candidate in candidates:
        if _fnmatch(candidate, pattern):
            return True
        if pattern.startswith("**/") and any(
                _fnmatch("/".join(candidate.split("/")[i:]), pattern[3:])
                for i in range(len(candidate.split("/")))):
            return True
    return False


def excluded(rules: list[tuple[bool, str]], path: str) -> bool:
    result = False
    for negate, pattern in rules:  # the last matching line decides, as in Docker
        if _matches(pattern, path):
            result = not negate
    return result


def check(doc: TextDoc, ctx: Context) -> Iterator[Hit]:
    rules = _patterns(doc)
    missing = [what for what, paths in MUST_EXCLUDE.items()
               if not all(excluded(rules, p) for p in paths)]
    if missing:
        first = next((n for n, t in doc.numbered() if t.strip() and
                      not t.lstrip().startswith("#")), 1)
        yield Hit(first, 1, f".dockerignore lets {', '.join(missing)} into the build context")


RULE = Rule(
    id="TS-B09.3", severity="medium", checklist="B09", kinds=(DOCKERIGNORE,),
    message=".dockerignore does not keep .git, .env files and keys out of the build context",
    hint="start from `*` and allow only what the build copies (`!app/`), then exclude "
         "**/.git, **/.env, **/*.key, **/*.pem",
    check=check,
    bad="node_modules\n",
    good="*\n!app/\n**/.git\n**/.env\n**/.env.*\n**/*.key\n**/*.pem\n**/id_rsa*\n**/id_ed25519*\n",
    equivalents=Equivalents(cis="4.10"),
    doc="Read only when a .dockerignore is among the files checked. Sample paths (.git, "
        ".env, .env.local, server.key, certs/server.pem, id_rsa, nested copies of them) must all "
        "be excluded, following Docker's last-match-wins order.",
)
