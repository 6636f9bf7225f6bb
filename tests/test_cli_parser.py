"""The command line builds only the named command's options: what it prints and parses is what
the whole parser would print and parse."""

from __future__ import annotations

import argparse

import pytest

from generator.cli import COMMANDS, main
from generator.cli.parser import NAMES, _parser

# every command and subcommand, as a user names it before --help
HELP_PAGES = [(name,) for name in sorted(NAMES)] + [("seccomp", "learn"), ("seccomp", "explain")]


def whole_parser_page(words: tuple[str, ...]) -> str:
    """The help page of `words` in the parser with every command built."""
    parser: argparse.ArgumentParser = _parser([])
    for word in words:
        subparsers = next(a for a in parser._actions
                          if isinstance(a, argparse._SubParsersAction))
        parser = subparsers.choices[word]
    return parser.format_help()


@pytest.mark.parametrize("words", HELP_PAGES, ids=" ".join)
def test_a_commands_help_is_the_whole_parsers(words, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main([*words, "--help"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"usage: tightship {' '.join(words)} ")
    assert printed == whole_parser_page(words)


def test_the_top_help_lists_every_command_each_with_its_runner(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out.split("COMMAND\n", 1)[1]
    shown = [line.split()[0] for line in listed.splitlines()
             if line.startswith("    ") and not line.startswith("     ")]
    assert sorted(shown) == sorted(NAMES)
    assert set(COMMANDS) == set(NAMES)


@pytest.mark.parametrize("argv", [
    ["render", "--answers", "a.yaml", "--set", "port=1", "--set", "name=x", "--check", "--diff"],
    ["update", "--conflict", "rej", "--out", "o"],
    ["check", "a", "b", "--format", "sarif", "--fail-on", "high"],
    ["seccomp", "learn", "--image", "i", "--runtime", "python"],
    ["schema", "profile", "--out"],
    ["profiles"],
])
def test_a_command_line_parses_as_the_whole_parser_parses_it(argv):
    assert vars(_parser(argv).parse_args(argv)) == vars(_parser([]).parse_args(argv))


@pytest.mark.parametrize("argv,expected", [
    (["rendr"], "invalid choice: 'rendr' (choose from 'render', 'update', 'check'"),
    (["render", "--check", "--force"], "argument --force: not allowed with argument --check"),
    (["seccomp", "learn", "--runtime", "cobol", "--image", "i"], "invalid choice: 'cobol'"),
])
def test_a_wrong_command_line_is_refused_with_argparses_line(argv, expected, capsys):
    assert main(argv) == 2
    assert expected in capsys.readouterr().err
