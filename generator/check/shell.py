"""A RUN's script read as shell (bashlex): which commands run, with which words and variables.

Rules ask "does apt-get run with --allow-unauthenticated", not "does the text contain it", so
`grep -- --allow-untrusted` or `echo "--nogpgcheck"` is not a finding, and `GIT_SSL_NO_VERIFY=1
git clone` or `export NODE_TLS_REJECT_UNAUTHORIZED=0` is. Wrappers that run another command
(sudo, env, exec, `sh -c '…'`) are looked through. A script bashlex cannot read is split at
`&&`, `||`, `;`, `|` and newlines instead, so a rule still sees its commands.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

# Wrappers that run the command after their own options: (name, options that take a value).
WRAPPERS = {
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-R", "-T"},
    "doas": {"-u", "-C"},
    "env": {"-u", "-C", "-S"},
    "exec": {"-a"},
    "command": set(),
    "nohup": set(),
    "time": set(),
    "nice": {"-n"},
    "stdbuf": {"-i", "-o", "-e"},
}
SHELLS = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"}
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)


class Assignment(NamedTuple):
    """A variable the script sets: `A=1 cmd`, `A=1`, or `export A=1`."""

    name: str
    value: str


class Command(NamedTuple):
    """One simple command, wrappers looked through."""

    name: str  # the program, without its directory: apt-get, curl, pip3
    args: tuple[str, ...]  # its words after the name, quotes removed
    assignments: tuple[Assignment, ...] = ()  # written in front of it (A=1 cmd)
    sudo: bool = False  # run through sudo (or doas)
    wrapper: bool = False  # sudo, env, exec…: the command it runs is listed after it

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.args)

    @property
    def text(self) -> str:
        """The command as one line of shell, for rules that read it as text."""
        return shlex.join(self.words)

    def positional(self) -> list[str]:
        return [a for a in self.args if not a.startswith("-")]

    def subcommand(self) -> str:
        """The first word after the name that is not an option: `apt-get -y install` → install."""
        words = self.positional()
        return words[0] if words else ""

    def has_option(self, *names: str) -> bool:
        """An option given as `--name`, `--name=…`, or a short `-k` (also inside `-fsSLk`)."""
        for arg in self.args:
            if arg == "--":
                return False
            for name in names:
                if name.startswith("--"):
                    if arg == name or arg.startswith(name + "="):
                        return True
                elif len(name) == 2 and arg.startswith("-") and not arg.startswith("--") \
                        and name[1] in arg[1:] and arg[1:].isalpha():
                    return True
        return False

    def option_values(self, name: str) -> list[str]:
        """Values of `--name=v`, `--name v`, `-o v` (`name` with its dashes)."""
        values = []
        for i, arg in enumerate(self.args):
            if arg.startswith(name + "=") and name.startswith("--"):
                values.append(arg[len(name) + 1:])
            elif arg == name and i + 1 < len(self.args):
                values.append(self.args[i + 1])
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                values.append(arg[len(name):])  # -oFoo=bar
        return values


class Script(NamedTuple):
    """A shell script (a RUN line, a command) read into commands."""

    commands: tuple[Command, ...]
    assignments: tuple[Assignment, ...]  # every variable set, in front of a command or alone
    pipes: bool  # a pipeline with more than one command
    parsed: bool  # read by the shell parser (False: split by the fallback)
    pipefail_set: bool = False  # `set -o pipefail` (or -eo pipefail…) before the first pipe


@dataclass
class _Walk:
    """What a walk over a parsed script has collected so far."""

    commands: list[Command] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    pipes: bool = False
    pipefail_before_pipe: bool = False


def script_of(value: str) -> str:
    """The shell script of a RUN's arguments (flags removed): exec form, heredoc or plain."""
    body = value.strip()
    if body.startswith("["):
        try:
            argv = [str(a) for a in json.loads(body)]
        except ValueError:
            return body
        if len(argv) >= 3 and posixpath.basename(argv[0]) in SHELLS and argv[1] == "-c":
            return argv[2]
        return " ".join(shlex.quote(a) for a in argv)
    if body.startswith("<<"):
        first, _, rest = body.partition("\n")
        return rest
    return body


@lru_cache(maxsize=4096)
def parse(script: str) -> Script:
    plain = _plain(script)
    if plain is not None:
        return plain
    try:
        import bashlex  # builds its parser tables on import (a third of a second): only here

        trees = bashlex.parse(script)
    except Exception:  # bashlex reads most, not all, of bash: fall back to splitting
        return _fallback(script)
    walk = _Walk()
    for tree in trees:
        _visit(tree, walk)
    return Script(tuple(walk.commands), tuple(walk.assignments), walk.pipes, True,
                  walk.pipefail_before_pipe)


# Plain scripts: simple commands joined by `&&`, `||`, `;` and `|`, with no expansion,
# redirection, grouping, comment or here-document. Shell reads these as shlex does, so
# bashlex (and the cost of importing it) is kept for the rest.
PLAIN_SCRIPT = re.compile(r"[A-Za-z0-9_\-./:=,+@%^ \t&|;'\"*?\[\]]*")
OPERATORS = {"&&", "||", ";", "|"}
FIRST_WORDS = {
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "select", "function", "time", "coproc", "[[", "]]", "in"}


def _tokens(script: str, posix: bool) -> list[str]:
    lexer = shlex.shlex(script, posix=posix, punctuation_chars="&|;")
    lexer.whitespace_split = True
    return list(lexer)


def _plain(script: str) -> Script | None:
    """The Script of a plain script, read without bashlex; None when it is not plain."""
    if not PLAIN_SCRIPT.fullmatch(script):
        return None
    try:
        tokens, raw = _tokens(script, True), _tokens(script, False)
    except ValueError:  # an unclosed quote: bashlex says why
        return None
    if not tokens or len(tokens) != len(raw):
        return None
    pipelines: list[list[list[tuple[str, str]]]] = [[[]]]
    for token, written in zip(tokens, raw, strict=True):
        if written in OPERATORS:
            if not pipelines[-1][-1]:
                return None  # `&& x`, `a ;; b`: not a plain list
            if written == "|":
                pipelines[-1].append([])
            else:
                pipelines.append([[]])
        elif set(written) <= set("&|;"):
            return None  # `&`, `|&`, `;;`: background jobs, case arms
        else:
            pipelines[-1][-1].append((token, written))
    if not pipelines[-1][-1]:
        if len(pipelines) == 1 or len(pipelines[-1]) > 1:
            return None
        pipelines.pop()  # a trailing `;`
    walk = _Walk()
    for pipeline in pipelines:
        if any(words[0][1] in FIRST_WORDS for words in pipeline):
            return None
        if len(pipeline) > 1:
            walk.pipes = True
        for words in pipeline:
            prefix = []
            # `A=1 cmd` sets A; `"A=1" cmd` runs a program named A=1
            while words and (match := ASSIGNMENT.match(words[0][0])) and \
                    re.match(r"[A-Za-z_][A-Za-z0-9_]*=", words[0][1]):
                words.pop(0)
                prefix.append(Assignment(match.group(1), match.group(2)))
            _add([token for token, _ in words], prefix, walk)
    return Script(tuple(walk.commands), tuple(walk.assignments), walk.pipes, True,
                  walk.pipefail_before_pipe)


def _visit(node: Any, walk: _Walk) -> None:  # a bashlex node (bashlex has no types)
    kind = getattr(node, "kind", "")
    if kind == "pipeline" and sum(1 for p in node.parts
                                  if getattr(p, "kind", "") == "command") > 1:
        walk.pipes = True
    if kind == "command":
        _command(node, walk)
        return
    for attr in ("parts", "list"):
        for child in getattr(node, attr, None) or ():
            _visit(child, walk)
    inner = getattr(node, "command", None)
    if inner is not None:
        _visit(inner, walk)


def _command(node: Any, walk: _Walk) -> None:
    prefix: list[Assignment] = []
    words: list[str] = []
    for part in node.parts:
        kind = getattr(part, "kind", "")
        if kind == "assignment" and not words:
            name, _, value = part.word.partition("=")
            prefix.append(Assignment(name, value))
        elif kind == "word":
            words.append(part.word)
        for sub in _substitutions(part):
            _visit(sub, walk)
    _add(words, prefix, walk)


def _substitutions(part: Any) -> Iterator[Any]:
    for child in getattr(part, "parts", None) or ():
        if getattr(child, "kind", "") in ("commandsubstitution", "processsubstitution"):
            yield child.command
        else:
            yield from _substitutions(child)


def _add(words: list[str], prefix: list[Assignment], walk: _Walk, sudo: bool = False,
         recorded: int = 0) -> None:
    walk.assignments.extend(prefix[recorded:])  # the ones not yet recorded
    if not words:
        return
    name = posixpath.basename(words[0])
    if name in ("export", "declare", "typeset", "readonly", "local"):
        for word in words[1:]:
            match = ASSIGNMENT.match(word)
            if match:
                walk.assignments.append(Assignment(match.group(1), match.group(2)))
    if name in WRAPPERS:
        known = len(prefix)
        rest = _unwrap(name, words[1:], prefix)
        if rest is not None:
            _add(rest, prefix, walk, sudo or name in ("sudo", "doas"), recorded=known)
            walk.commands.append(Command(name, tuple(words[1:]), tuple(prefix), sudo, True))
            return
    if name in SHELLS and "-c" in words[1:-1]:
        inner = words[words.index("-c", 1) + 1]
        nested = parse(inner)
        walk.commands.extend(nested.commands)
        walk.assignments.extend(nested.assignments)
        walk.pipes = walk.pipes or (nested.pipes and not nested.pipefail_set)
    if name == "set" and not walk.pipes and _sets_pipefail(words[1:]):
        walk.pipefail_before_pipe = True
    walk.commands.append(Command(name, tuple(words[1:]), tuple(prefix), sudo))


def _unwrap(name: str, args: list[str], prefix: list[Assignment]) -> list[str] | None:
    """The command a wrapper runs (its own options and, for env, assignments skipped)."""
    takes_value = WRAPPERS[name]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if name == "env" and (match := ASSIGNMENT.match(arg)):
            prefix.append(Assignment(match.group(1), match.group(2)))
        elif arg.startswith("-") and len(arg) > 1:
            if arg in takes_value:
                i += 1
        else:
            break
        i += 1
    rest = args[i:]
    return rest or None


def _sets_pipefail(args: list[str]) -> bool:
    for i, arg in enumerate(args):
        if re.fullmatch(r"-[a-zA-Z]*o", arg) and i + 1 < len(args) and args[i + 1] == "pipefail":
            return True
    return False


KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}",
            "(", ")", "esac", "time"}


def _drop_keywords(words: list[str]) -> list[str]:
    """`then sudo make`, `case $x in a) curl -k …`: the command after the shell's own words."""
    while words:
        if words[0] in KEYWORDS:
            words = words[1:]
        elif words[0] == "case" and "in" in words:
            words = words[words.index("in") + 1:]
        elif words[0].endswith(")") and not words[0].startswith("$("):
            words = words[1:]  # a case pattern
        else:
            break
    return words


def _fallback(script: str) -> Script:
    walk = _Walk()
    walk.pipes = bool(re.search(r"(?<!\|)\|(?!\|)", re.sub(r"'[^']*'|\"[^\"]*\"", "", script)))
    for part in re.split(r"&&|\|\||;|\||\n", script):
        try:
            words = shlex.split(part, posix=True)
        except ValueError:
            words = part.split()
        words = _drop_keywords(words)
        prefix = []
        while words and (match := ASSIGNMENT.match(words[0])):
            words.pop(0)
            prefix.append(Assignment(match.group(1), match.group(2)))
        if words or prefix:
            _add(words, prefix, walk)
    pipefail = bool(re.search(r"set\s+-[a-z]*o\s+pipefail", script))
    return Script(tuple(walk.commands), tuple(walk.assignments), walk.pipes, False, pipefail)
