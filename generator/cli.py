"""The command line: the only module that prints or chooses exit codes.

Exit codes: 0 done, 1 drift/conflict/findings, 2 bad input, 3 engine trouble, 4 needs
`tightship update` (render/update --check), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.errors import TightshipError, UserError
from generator.runtimes import NAMES as RUNTIME_NAMES
from generator.runtimes import RUNTIMES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tightship",
        description="Write secure-by-default container configuration and prove it holds.",
    )
    parser.add_argument("--version", action="version", version=f"tightship {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    render = commands.add_parser(
        "render", help="render a service's files from its answers file and a profile",
        description="Render the Dockerfile, .dockerignore, compose.yaml, Kubernetes manifests, "
                    "seccomp and AppArmor profiles and CI gate for the service described by an "
                    "answers file, with the profile's approved base images pinned by digest.")
    render.add_argument("--answers", default="tightship.yaml", metavar="FILE",
                        help="the answers file (default: tightship.yaml)")
    render.add_argument("--profile", default="default", metavar="NAME|PATH",
                        help="a built-in profile name or a profile file (default: default)")
    render.add_argument("--out", metavar="DIR",
                        help="where to write (default: the answers file's folder)")
    render.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override one answer, e.g. --set healthcheck.interval=5s "
                             "(repeatable; values are YAML)")
    mode = render.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if any file would change (CI drift gate)")
    mode.add_argument("--force", action="store_true",
                      help="replace files that differ from what would be written")
    render.add_argument("--diff", action="store_true", help="with --check, show the diffs")

    update = commands.add_parser(
        "update", help="render again and merge the change into the files, keeping edits",
        description="Render with today's answers and profile and merge the change since the "
                    "last render (recorded in .tightship/) into each file on disk, keeping "
                    "your edits. Exit 1 when an edit and the change touch the same lines "
                    "(the conflict is marked), 2 when a merged file would break a rule.")
    update.add_argument("--answers", default="tightship.yaml", metavar="FILE",
                        help="the answers file (default: tightship.yaml)")
    update.add_argument("--profile", default="default", metavar="NAME|PATH",
                        help="a built-in profile name or a profile file (default: default)")
    update.add_argument("--out", metavar="DIR",
                        help="where the files are (default: the answers file's folder)")
    update.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override one answer (repeatable; values are YAML)")
    update.add_argument("--conflict", choices=("inline", "rej"), default="inline",
                        help="mark conflicts with <<<<<<< lines in the file (inline, the "
                             "default) or keep your lines and write the change to FILE.rej")
    update.add_argument("--check", action="store_true",
                        help="write nothing; exit 0 up to date, 4 needs update, 1 drifted")
    update.add_argument("--diff", action="store_true", help="with --check, show the diffs")

    check = commands.add_parser(
        "check", help="check existing Dockerfiles, compose files, manifests and profiles",
        description="Report every breach of the hardening checklist in Dockerfiles, "
                    ".dockerignore, compose files, Kubernetes YAML (multi-document, kustomize "
                    "folders), seccomp JSON, AppArmor profiles and daemon.json. Exit 1 when a "
                    "finding at or above --fail-on is not suppressed.")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="files or folders to check (default: .)")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                       help="report format (default: text)")
    check.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    check.add_argument("--fail-on", choices=("low", "medium", "high", "critical"),
                       help="lowest severity that fails (default: the profile's fail_on)")
    check.add_argument("--profile", default="default", metavar="NAME|PATH",
                       help="profile for allowed registries, capabilities, package pins, "
                            "suppressions and fail_on (default: default)")

    rules = commands.add_parser("rules", help="list the rules check runs, or explain some")
    rules.add_argument("ids", nargs="*", metavar="RULE",
                       help="explain these rules in full (e.g. TS-B03)")
    rules.add_argument("--markdown", action="store_true",
                       help="print the README's rule table")
    rules.add_argument("--write", metavar="README",
                       help="replace the rule table between the markers in this file")

    pin = commands.add_parser(
        "pin", help="refresh the digests a profile pins (asks the registry; keeps comments)",
        description="Look up the current digest of each image a profile names, through the "
                    "Docker engine, and rewrite `digest` and `pinned` in place.")
    pin.add_argument("profile", metavar="PROFILE", help="the profile file to update")
    pin.add_argument("images", nargs="*", metavar="IMAGE_KEY", help="only these image keys")
    pin.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 if any digest moved")

    verify = commands.add_parser(
        "verify", help="build and run the rendered service on a Docker engine and prove it",
        description="Build the rendered Dockerfile, run it with compose.yaml's settings, and "
                    "read from the kernel that it is non-root, capability-free, "
                    "no-new-privileges, seccomp-filtered, read-only and healthy. The image "
                    "and container are removed afterwards.")
    verify.add_argument("--answers", default="tightship.yaml", metavar="FILE")
    verify.add_argument("--profile", default="default", metavar="NAME|PATH")
    verify.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    verify.add_argument("--timeout", type=float, default=120, metavar="SECONDS",
                        help="how long to wait for the health check (default 120)")
    verify.add_argument("--format", choices=("text", "json"), default="text")

    seccomp = commands.add_parser(
        "seccomp", help="seccomp profile tools (learn)",
        description="Tools for the service's seccomp profile.")
    seccomp_commands = seccomp.add_subparsers(dest="seccomp_command", metavar="SUBCOMMAND",
                                              required=True)
    learn = seccomp_commands.add_parser(
        "learn", help="trace an image on the engine and write the smallest profile it runs under",
        description="Run IMAGE on the Docker engine under strace (the host's, mounted read-only "
                    "into the container), trace every syscall it makes while its health check "
                    "and an optional exercise command run, and write the smallest seccomp "
                    "profile that covers them plus the runtime's syscall group. Then run the "
                    "image again under that profile, without the tracer, and require it to "
                    "become healthy; the profile is written only if it does.")
    learn.add_argument("--image", required=True, metavar="IMAGE", help="the image to trace")
    learn.add_argument("--run-seconds", type=float, default=10, metavar="N",
                       help="how long to trace the running service (default 10)")
    learn.add_argument("--exercise", metavar="CMD",
                       help="a command run inside the container while tracing (and again "
                            "under the learned profile, where it must exit 0)")
    learn.add_argument("--answers", default="tightship.yaml", metavar="FILE",
                       help="the service's answers, for its runtime and writable paths "
                            "(default: tightship.yaml, if it exists)")
    learn.add_argument("--profile", default="default", metavar="NAME|PATH",
                       help="the profile whose syscall groups are used (default: default)")
    learn.add_argument("--runtime", choices=RUNTIME_NAMES,
                       help="the image's runtime, when there is no answers file")
    learn.add_argument("--out", default="seccomp.learned.json", metavar="FILE",
                       help="where to write the profile (default: seccomp.learned.json)")

    new = commands.add_parser(
        "new", help="answer questions in a terminal; write tightship.yaml and the files",
        description="Ask about the service in DIR (with defaults detected from the folder), "
                    "show a summary and which files would be created, left identical or are "
                    "in conflict, then write the answers file and the files `render` writes. "
                    "Needs a terminal; in CI use `tightship render --answers`.")
    new.add_argument("dir", nargs="?", default=".", metavar="DIR",
                     help="the service's folder: the build context (default: .)")
    new.add_argument("--profile", default="default", metavar="NAME|PATH",
                     help="a built-in profile name or a profile file (default: default)")

    schema = commands.add_parser(
        "schema", help="print the installed JSON schema of the answers file or a profile",
        description="Print the JSON schema this tightship validates with, or write it with "
                    "--out: the file the `# yaml-language-server: $schema=` comment of an "
                    "answers file names (.tightship/answers.schema.json beside it).")
    schema.add_argument("which", choices=("answers", "profile"), help="which schema")
    schema.add_argument("--out", nargs="?", const="", default=None, metavar="FILE",
                        help="write it to FILE (default: .tightship/WHICH.schema.json) "
                             "instead of printing it")
    schema.add_argument("--force", action="store_true", help="replace a FILE that differs")

    profiles = commands.add_parser("profiles", help="list the built-in and given profiles")
    profiles.add_argument("paths", nargs="*", metavar="PATH", help="more profile files to list")
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own usage message
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(out)
        return 2
    try:
        return COMMANDS[args.command](args, out)
    except TightshipError as exc:
        print(f"tightship: error: {exc}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("tightship: interrupted; nothing written", file=err)
        return 130
    except EOFError:  # end of input in the middle of a question (`new`)
        print("tightship: end of input; nothing written", file=err)
        return 130
    except BrokenPipeError:  # `tightship profiles | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush does not fail again
        return 141
    except Exception as exc:  # a bug: say so plainly, the traceback only on request
        if os.environ.get("TIGHTSHIP_DEBUG"):
            raise
        print(f"tightship: internal error: {type(exc).__name__}: {exc} "
              "(set TIGHTSHIP_DEBUG=1 for the traceback)", file=err)
        return 70


def rendered(args: argparse.Namespace):
    """render's and update's common start: the answers, the output folder, the profile and the
    self-checked files."""
    from generator.render.pipeline import load_spec, render_checked

    answers_path = Path(args.answers)
    out_dir = Path(args.out) if args.out else answers_path.parent
    spec, profile = load_spec(answers_path, args.profile, args.set)
    return answers_path, out_dir, profile, render_checked(spec, profile)


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.update import record_plan, refuse_overwrites
    from generator.render.writer import plan, write

    answers_path, out_dir, profile, files = rendered(args)
    if args.check:
        return report_check(files, out_dir, profile, args, out)
    planned = plan(files, out_dir)
    if not args.force:
        refuse_overwrites(planned)
    record = record_plan(files, out_dir)
    planned = write([*planned, record], force=args.force, may_replace=frozenset({record.path}))
    for item in planned:
        print(f"{item.status:>9}  {item.path}", file=out)
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
    from generator.render.writer import write

    answers_path, out_dir, profile, files = rendered(args)
    if args.check:
        return report_check(files, out_dir, profile, args, out)
    update = checked_update(plan_update(files, out_dir, args.conflict), profile)
    write(update.writes(), force=True)
    for item in update.files:
        print(f"{item.action:>9}  {item.planned.path}", file=out)
    print(f"{update.record.status:>9}  {update.record.path}", file=out)
    for name in update.gone:
        print(f"     gone  {out_dir / name} (no longer rendered; left as it is)", file=out)
    for line in conflict_report(update):
        print(line, file=out)
    return 1 if update.conflicts else 0


def cmd_pin(args: argparse.Namespace, out: TextIO) -> int:
    from generator.engine.pin import pin_profile
    from generator.engine.registry import lookup_digest

    changes = pin_profile(Path(args.profile), lookup_digest, only=tuple(args.images),
                          write=not args.check)
    for change in changes:
        if change.changed:
            print(f"{'moved' if args.check else 'pinned'}  {change.key}: {change.ref} "
                  f"{change.old or '(none)'} -> {change.new}", file=out)
        else:
            print(f"current  {change.key}: {change.ref}@{change.new}", file=out)
    return 1 if args.check and any(c.changed for c in changes) else 0


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    from generator.engine.verify import proofs_json, verify
    from generator.errors import EngineError
    from generator.render.pipeline import load_spec, render_checked

    answers_path = Path(args.answers)
    spec, profile = load_spec(answers_path, args.profile, args.set)
    files = render_checked(spec, profile)
    try:
        import docker
        client = docker.from_env()
        client.ping()
    except ImportError:
        raise EngineError("verify needs the Docker SDK: reinstall tightship "
                          "(pip install tightship)") from None
    except Exception as exc:  # any failure to reach the engine
        raise EngineError(f"no Docker engine answers: {exc}") from None
    proofs = verify(client, answers_path.resolve().parent, files, spec.service, spec.user.uid,
                    has_python=RUNTIMES[spec.runtime].python_in_image,
                    has_shell=spec.run_image.shell, timeout=args.timeout)
    if args.format == "json":
        print(proofs_json(proofs), file=out)
    else:
        for proof in proofs:
            mark = {True: "ok", False: "FAIL", None: "skip"}[proof.ok]
            print(f"{mark:>5}  {proof.name}: {proof.detail}", file=out)
    failed = [p for p in proofs if p.ok is False]
    if args.format == "text":
        held = sum(1 for p in proofs if p.ok)
        skipped = sum(1 for p in proofs if p.ok is None)
        print(f"{spec.service}: {held} proofs held, {len(failed)} failed, {skipped} not tried",
              file=out)
    return 1 if failed else 0


def cmd_seccomp(args: argparse.Namespace, out: TextIO) -> int:
    from generator.engine.learn import learn
    from generator.render.pipeline import load_spec
    from generator.render.profiles import load_profile
    from generator.render.seccomp_groups import profile_groups, runtime_groups
    from generator.render.writer import atomic_write

    profile = load_profile(args.profile)
    answers = Path(args.answers)
    static_count = None
    writable: tuple[str, ...] = ("/tmp",)
    secrets: tuple[str, ...] = ()
    runtime = args.runtime
    if answers.is_file():
        spec, profile = load_spec(answers, profile)
        runtime = runtime or spec.runtime
        writable = (*(spec.writable or writable), *(v.path for v in spec.volumes))
        secrets = spec.secrets
        static_count = spec.confinement.syscall_count
    if runtime is None:
        raise UserError(f"no answers file at {answers}: say which runtime the image uses "
                        "(--runtime)", field="runtime")
    groups = profile_groups(profile)
    result = learn(args.image, runtime=runtime, groups=groups,
                   runtime_groups=runtime_groups(profile, runtime),
                   run_seconds=args.run_seconds, exercise=args.exercise, writable=writable,
                   secrets=secrets, progress=lambda line: print(f"  {line}", file=out))
    if result.left_out:
        print(f"left out (dangerous, never learned): {', '.join(result.left_out)}", file=out)
    compared = (f" (the static profile allows {static_count}, Docker's default 361)"
                if static_count is not None else " (Docker's default allows 361)")
    if not result.healthy:
        print(f"not healthy under the learned profile, so nothing was written:\n"
              f"{result.health_log}", file=out)
        return 1
    atomic_write(Path(args.out), result.text)
    print(f"wrote {args.out}: {result.count} syscalls allowed{compared}; healthy under it "
          f"({result.seconds:.0f}s)", file=out)
    return 0


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
    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        raise UserError(f"{root} is not a folder", field="new")
    result = run_wizard(root, args.profile, out)
    if not result.written:
        print("nothing written", file=out)
        return 1
    for item in result.planned:
        print(f"{item.status:>9}  {item.path}", file=out)
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


COMMANDS = {"render": cmd_render, "update": cmd_update, "new": cmd_new, "check": cmd_check,
            "rules": cmd_rules, "pin": cmd_pin, "verify": cmd_verify,
            "profiles": cmd_profiles, "schema": cmd_schema}

COMMANDS["seccomp"] = cmd_seccomp

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
