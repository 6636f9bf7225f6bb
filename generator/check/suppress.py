"""Suppressions: `# tightship: ignore RULE reason` comments in a file and a profile's
`suppressions:` entries. A suppression without a reason, or naming no known rule, does not apply
and is itself a finding (TS-S01).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from generator.check.model import Context, Finding, Hit
from generator.check.rules import BY_ID
from generator.check.rules.meta import PARSE_RULE, SUPPRESSION_RULE
from generator.check.source import Source, finding

SUPPRESS_RE = re.compile(
    r"#\s*tightship:\s*ignore(?P<file>-file)?\b\s*(?P<ids>(?:TS-[A-Za-z0-9.]+\s*,?\s*)*)"
    r"(?P<reason>.*)$")


class Suppression(NamedTuple):
    """A `tightship: ignore` comment (or a profile entry) and the rules it silences."""

    rules: tuple[str, ...]
    reason: str
    line: int  # where the comment is (0 for a profile entry)
    whole_file: bool = False


class ProfileSuppression(NamedTuple):
    """A profile's `suppressions` entry: a rule silenced for some paths."""

    rule: str
    paths: tuple[str, ...]
    reason: str



def inline_suppressions(text: str) -> tuple[list[Suppression], list[Hit]]:
    """Suppression comments, and a hit for each that gives no reason or names no known rule."""
    found: list[Suppression] = []
    bad: list[Hit] = []
    if "tightship:" not in text:
        return found, bad
    for number, line in enumerate(text.splitlines(), start=1):
        match = SUPPRESS_RE.search(line)
        if not match:
            continue
        column = match.start() + 1
        ids = tuple(i for i in re.split(r"[\s,]+", match.group("ids").strip()) if i)
        reason = match.group("reason").strip().lstrip("-:—").strip()
        unknown = [i for i in ids if i not in BY_ID]
        if not ids:
            bad.append(Hit(number, column, "a suppression must name the rule(s) it ignores"))
        elif unknown:
            bad.append(Hit(number, column, f"a suppression names unknown rule(s) "
                                           f"{', '.join(unknown)}"))
        elif len(reason) < 3:
            bad.append(Hit(number, column, f"suppression of {', '.join(ids)} gives no reason"))
        else:
            found.append(Suppression(ids, reason, number, bool(match.group("file"))))
    return found, bad


def _comment_block_above(lines: list[str], line: int) -> range:
    """The lines of the comments directly above `line` (1-based), and `line` itself."""
    start = line
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    return range(start, line + 1)


def apply_suppressions(findings: list[Finding], src: Source, hits_anchor: dict[int, int],
           suppressions: list[Suppression],
           profile: Sequence[ProfileSuppression]) -> list[Finding]:
    lines = src.text.splitlines()
    out = []
    for i, f in enumerate(findings):
        reason = via = None
        if f.rule != PARSE_RULE.id and f.rule != SUPPRESSION_RULE.id:
            anchor = hits_anchor.get(i, f.line)
            covered = set(_comment_block_above(lines, anchor)) | {f.line} if lines else set()
            for s in suppressions:
                if f.rule in s.rules and (s.whole_file or s.line in covered):
                    reason, via = s.reason, "inline"
                    break
            if reason is None:
                for p in profile:
                    if p.rule == f.rule and any(fnmatch.fnmatch(src.name, g) for g in p.paths):
                        reason, via = p.reason, "profile"
                        break
        if reason is not None:
            f = f._replace(suppressed=True, reason=reason, via=via)
        out.append(f)
    return out



def profile_settings(profile: Any) -> tuple[Context, list[ProfileSuppression], list[Finding]]:
    """The rule context and suppressions a profile gives, and findings for bad entries."""
    from generator.yamlio import locate

    ctx = Context.from_profile(profile)
    entries = (profile.data or {}).get("suppressions") or []
    good: list[ProfileSuppression] = []
    bad: list[Finding] = []
    for i, entry in enumerate(entries):
        rule = str(entry.get("rule", ""))
        reason = str(entry.get("reason") or "").strip()
        paths = entry.get("paths") or ["*"]
        if isinstance(paths, str):
            paths = [paths]
        file, line = locate(profile.layers, ["suppressions", i])
        if rule not in BY_ID:
            bad.append(finding(SUPPRESSION_RULE, file, Hit(line or 1, 1,
                       f"profile suppression names unknown rule '{rule}'")))
        elif len(reason) < 3:
            bad.append(finding(SUPPRESSION_RULE, file, Hit(line or 1, 1,
                       f"profile suppression of {rule} gives no reason")))
        else:
            good.append(ProfileSuppression(rule, tuple(str(p) for p in paths), reason))
    return ctx, good, bad
