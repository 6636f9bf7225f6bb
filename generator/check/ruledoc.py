"""The README's rule table, generated from the rules themselves.

`tightship rules --markdown` prints it; `tightship rules --write README.md` replaces it between
the markers.
"""

from __future__ import annotations

from generator.check.rules import ALL_RULES

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
