"""The commands that write a service's files: render, update, new, schema, profiles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from generator.errors import UserError


def rendered(args: argparse.Namespace):
    """render's and update's common start: the answers, the output folder, the profile and the
    self-checked files."""
    from generator.render.pipeline import load_spec, render_checked

    answers_path = Path(args.answers)
    out_dir = Path(args.out) if args.out else answers_path.parent
    spec, profile = load_spec(answers_path, args.profile, args.set)
    return answers_path, out_dir, profile, render_checked(spec, profile)


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.writer import DONE, plan, record_plan, refuse_overwrites, write

    answers_path, out_dir, profile, files = rendered(args)
    if args.check:
        return report_check(files, out_dir, profile, args, out)
    planned = plan(files, out_dir)
    if not args.force:
        refuse_overwrites(planned)
    record = record_plan(files, out_dir)
    planned = write([*planned, record], force=args.force, may_replace=frozenset({record.path}))
    for item in planned:
        print(f"{DONE[item.status]:>9}  {item.path}", file=out)
    if out_dir.resolve() != answers_path.resolve().parent:
        print(f"note: {out_dir} is not the build context ({answers_path.parent}): to build, "
              "render into the service's folder, where .dockerignore and compose's "
              "`build: .` apply", file=out)
    return 0


CHECK_EXIT = {"up to date": 0, "drifted": 1, "needs update": 4}


def report_check(files: dict[str, str], out_dir: Path, profile, args: argparse.Namespace,
                 out: TextIO) -> int:
    """`render --check` and `update --check`: 0 up to date, 4 needs update, 1 drifted."""
    from generator.render.update import assess, plan_update, verdict

    state, files_seen = assess(plan_update(files, out_dir), profile)
    for item in files_seen:
        detail = f"  ({item.detail})" if item.detail else ""
        print(f"{item.word:>9}  {item.path}{detail}", file=out)
        if args.diff and item.diff:
            out.write(item.diff)
    if verdict(state, files_seen):
        print(verdict(state, files_seen), file=out)
    return CHECK_EXIT[state]


def cmd_update(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.update import checked_update, conflict_report, plan_update
    from generator.render.writer import DONE, write

    answers_path, out_dir, profile, files = rendered(args)
    if args.check:
        return report_check(files, out_dir, profile, args, out)
    update = checked_update(plan_update(files, out_dir, args.conflict), profile)
    write(update.writes(), force=True)
    for item in update.files:
        print(f"{item.action:>9}  {item.planned.path}", file=out)
    print(f"{DONE[update.record.status]:>9}  {update.record.path}", file=out)
    for name in update.gone:
        print(f"     gone  {out_dir / name} (no longer rendered; left as it is)", file=out)
    for line in conflict_report(update):
        print(line, file=out)
    return 1 if update.conflicts else 0



def has_terminal() -> bool:
    """Whether a person can answer questions: stdin is a terminal (not CI, not a pipe)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    if not has_terminal():
        raise UserError("asks its questions in a terminal, and stdin is not one; without a "
                        "terminal (CI, a pipe) write tightship.yaml and run `tightship "
                        "render --answers tightship.yaml`", field="new")
    try:
        from generator.wizard.prompt import run_wizard
    except ModuleNotFoundError as exc:
        if exc.name not in ("questionary", "prompt_toolkit"):
            raise
        raise UserError("needs questionary: reinstall tightship (pip install tightship)",
                        field="new") from None
    from generator.render.writer import DONE

    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        raise UserError(f"{root} is not a folder", field="new")
    result = run_wizard(root, args.profile, out)
    if not result.written:
        print("nothing written", file=out)
        return 1
    for item in result.planned:
        print(f"{DONE[item.status]:>9}  {item.path}", file=out)
    option = "" if args.profile == "default" else f" --profile {args.profile}"
    print(f"Re-render without questions: tightship render --answers {result.answers_path}"
          f"{option}", file=out)
    return 0


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.writer import IDENTICAL, plan, write
    from generator.resources import SCHEMA_COPY, schema_text

    text = schema_text(args.which)
    if args.out is None:
        out.write(text)
        return 0
    target = Path(args.out or SCHEMA_COPY[args.which])
    planned = plan({target.name: text}, target.parent)
    write(planned, force=args.force)
    status = "identical" if planned[0].status == IDENTICAL else "wrote"
    print(f"{status} {target}", file=out)
    return 0


def cmd_profiles(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.profiles import builtin_names, load_profile

    for name in [*builtin_names(), *args.paths]:
        profile = load_profile(name)
        label = name if name == profile.name else f"{profile.name} ({name})"
        print(f"{label}: {profile.description}", file=out)
        for runtime, versions in profile.runtimes.items():
            for version, images in versions.items():
                run = images.run
                print(f"  {runtime:<8} {version:<11} {run.ref.written}  "
                      f"{run.digest[:19]}…  pinned {run.pinned}", file=out)
    return 0
