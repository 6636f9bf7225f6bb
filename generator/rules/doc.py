"""The README's rule table, generated from the rules themselves.

    python -m generator.rules.doc                 # print the table
    python -m generator.rules.doc --write README.md   # replace it between the markers
"""

from __future__ import annotations

import argparse
import sys

from generator.rules import ALL_RULES

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table() -> str:
    lines = [
        "| rule | severity | checklist | reads | what it catches | equivalents |",
        "|------|----------|-----------|-------|-----------------|-------------|",
    ]
    for rule in ALL_RULES:
        equivalents = "; ".join(f"{k} {v}" for k, v in rule.equivalents.items()) or "–"
        lines.append(f"| `{rule.id}` | {rule.severity} | {rule.checklist} | "
                     f"{', '.join(rule.kinds)} | {_cell(rule.message)} | {_cell(equivalents)} |")
    return "\n".join(lines) + "\n"


def replace_table(text: str) -> str:
    """`text` with the table between the markers replaced; ValueError when they are missing."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {START} and {END} are missing")
    return text[:start + len(START)] + "\n" + markdown_table() + text[end:]


def main(argv: list[str] | None = None) -> int:
    """The same as `tightship rules --markdown` / `tightship rules --write README`."""
    from generator.cli import main as cli_main

    parser = argparse.ArgumentParser(prog="python -m generator.rules.doc")
    parser.add_argument("--write", metavar="README", help="rewrite the table in this file")
    args = parser.parse_args(argv)
    return cli_main(["rules", "--write", args.write] if args.write else ["rules", "--markdown"])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
