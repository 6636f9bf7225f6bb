"""The commands that judge existing files: check and rules."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from generator.errors import UserError


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from generator.check.checker import check_paths, profile_settings, sort_findings
    from generator.check.report import WRITERS, failing
    from generator.render.profiles import load_profile

    if args.output:
        _report_place(Path(args.output))
    profile = load_profile(args.profile)
    ctx, suppressions, bad_entries = profile_settings(profile)
    notes: list[str] = []
    findings, checked = check_paths(args.paths, ctx, suppressions, notes=notes)
    findings = sort_findings([*findings, *bad_entries])
    fail_on = args.fail_on or profile.fail_on
    writer = WRITERS[args.format]
    if args.output:
        import io

        report = io.StringIO()
        writer(findings, report, files_checked=checked, fail_on=fail_on, notes=notes)
        _write_report(Path(args.output), report.getvalue())
    else:
        writer(findings, out, files_checked=checked, fail_on=fail_on, notes=notes)
    return 1 if failing(findings, fail_on) else 0


def _report_place(path: Path) -> None:
    """`check --output` names a file in a folder that exists: say so before checking."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; name the report file to write "
                        "(e.g. tightship.sarif)", field="--output")
    if not path.parent.is_dir():
        raise UserError(f"the folder {path.parent} does not exist; create it or name a file "
                        "in an existing folder", field="--output")


def _write_report(path: Path, text: str) -> None:
    """A file is replaced at once; a device or FIFO (/dev/stdout, a pipe) is written into."""
    import stat

    from generator.render.writer import atomic_write

    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    except OSError as exc:
        raise UserError(f"cannot write the report: {exc.strerror}", file=str(path)) from None
    if not special:
        atomic_write(path, text)
        return
    try:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise UserError(f"cannot write the report: {exc.strerror}", file=str(path)) from None


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    from generator.check.ruledoc import markdown_table, replace_table
    from generator.check.rules import ALL_RULES

    if args.write:
        path = Path(args.write)
        try:
            text = replace_table(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot update the rule table: {exc}", file=str(path)) from None
        path.write_text(text, encoding="utf-8")
        print(f"rule table updated in {path} ({len(ALL_RULES)} rules)", file=out)
        return 0
    if args.markdown:
        out.write(markdown_table())
        return 0
    if args.ids:
        from generator.check.rules import BY_ID

        unknown = [i for i in args.ids if i not in BY_ID]
        if unknown:
            raise UserError(f"no rule {', '.join(unknown)}; `tightship rules` lists them")
        for rule_id in args.ids:
            rule = BY_ID[rule_id]
            print(f"{rule.id} ({rule.severity}, checklist {rule.checklist}, reads "
                  f"{', '.join(rule.kinds)}): {rule.message}", file=out)
            if rule.doc:
                print(f"\n  {rule.doc}", file=out)
            print(f"\n  fix: {rule.hint}", file=out)
            for label, value in rule.equivalents.items():
                print(f"  {label}: {value}", file=out)
            for label, text in (("bad", rule.bad), ("good", rule.good)):
                print(f"\n  {label}:", file=out)
                out.write("".join(f"    {line}\n" for line in text.splitlines()))
            print(file=out)
        return 0
    for rule in ALL_RULES:
        print(f"{rule.id:<9} {rule.severity:<8} {rule.checklist:<4} "
              f"{'/'.join(rule.kinds):<20} {rule.message}", file=out)
    print(f"{len(ALL_RULES)} rules", file=out)
    return 0
