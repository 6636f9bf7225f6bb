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


DOCUMENT = "docs/rules.md"
DOCUMENT_HEAD = ("# The rules of `tightship check`\n\n"
                 "Written from the rules themselves (`python -m generator.check.ruledoc "
                 "docs/rules.md`; a test keeps it in sync). SARIF reports link each rule's "
                 "section here.\n")


def anchor(rule_id: str) -> str:
    """The anchor GitHub gives the rule's heading: `TS-B01.2` → `ts-b012`."""
    return "".join(c for c in rule_id.lower() if c.isalnum() or c in "-_")


def rules_document() -> str:
    """Every rule in full: what it catches, why, the fix, a bad and a good example."""
    parts = [DOCUMENT_HEAD]
    for rule in ALL_RULES:
        equivalents = "; ".join(f"{k} {v}" for k, v in rule.equivalents.items())
        parts.append(f"\n## {rule.id}\n\n**{rule.message}** ({rule.severity}, checklist "
                     f"{rule.checklist}, reads {', '.join(rule.kinds)})\n")
        if rule.doc:
            parts.append(f"\n{rule.doc}\n")
        parts.append(f"\nFix: {rule.hint}\n")
        if equivalents:
            parts.append(f"\nEquivalents: {equivalents}\n")
        for label, text in (("Bad", rule.bad), ("Good", rule.good)):
            parts.append(f"\n{label}:\n\n```\n{text.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    import sys
    from pathlib import Path

    Path(sys.argv[1] if len(sys.argv) > 1 else DOCUMENT).write_text(rules_document(),
                                                                      encoding="utf-8")
