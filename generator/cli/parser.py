"""The argument parser: every command, option and help text.

Only the named command's options are built (argparse spends most of a cold start's parsing
time adding arguments and looking up their messages); the whole parser is built when no known
command comes first, for `tightship --help` and argparse's own error messages.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from generator import __version__


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tightship",
        description="Write secure-by-default container configuration and prove it holds.",
    )
    parser.add_argument("--version", action="version", version=f"tightship {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = argv[0] if argv else None
    for name, add in COMMANDS:
        if named in NAMES and name != named:
            continue  # another command's options cannot matter to this command line
        add(commands)
    return parser


def _render(commands: Any) -> None:
    render = commands.add_parser(
        "render", help="render a service's files from its answers file and a profile",
        description="Render, for the service an answers file describes: the Dockerfile, "
                    ".dockerignore, compose.yaml, Kubernetes manifests (k8s/), Podman Quadlet "
                    "units (quadlet/), the seccomp.json and AppArmor (apparmor/) profiles, the "
                    "CI gate script "
                    "(ci/) and the record of this render (.tightship/rendered.json), with the "
                    "profile's approved base images pinned by digest. All or nothing; a file "
                    "that differs is a conflict and is replaced only with --force.")
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


def _update(commands: Any) -> None:
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


def _check(commands: Any) -> None:
    check = commands.add_parser(
        "check", help="check existing Dockerfiles, compose files, manifests and profiles",
        description="Report every breach of the hardening checklist in Dockerfiles, "
                    ".dockerignore, compose files, Kubernetes YAML (multi-document, kustomize "
                    "folders), seccomp JSON, AppArmor profiles and daemon.json. Exit 1 when a "
                    "finding at or above --fail-on is not suppressed.")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="files or folders to check (default: .)")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                       help="report format (default: text; github: annotations for Actions)")
    check.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    check.add_argument("--fail-on", choices=("low", "medium", "high", "critical"),
                       help="lowest severity that fails (default: the profile's fail_on)")
    check.add_argument("--profile", default="default", metavar="NAME|PATH",
                       help="profile for allowed registries, capabilities, package pins, "
                            "suppressions and fail_on (default: default)")


def _rules(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list the rules check runs, or explain some")
    rules.add_argument("ids", nargs="*", metavar="RULE",
                       help="explain these rules in full (e.g. TS-B03)")
    rules.add_argument("--markdown", action="store_true",
                       help="print the README's rule table")
    rules.add_argument("--write", metavar="README",
                       help="replace the rule table between the markers in this file")


def _pin(commands: Any) -> None:
    pin = commands.add_parser(
        "pin", help="refresh the digests a profile pins (asks the registry; keeps comments)",
        description="Look up the current digest of each image a profile names, through the "
                    "Docker engine, and rewrite `digest` and `pinned` in place.")
    pin.add_argument("profile", metavar="PROFILE", help="the profile file to update")
    pin.add_argument("images", nargs="*", metavar="IMAGE_KEY", help="only these image keys")
    pin.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 if any digest moved")


def _deploy_digest(commands: Any) -> None:
    deploy = commands.add_parser(
        "deploy-digest",
        help="point the Kubernetes and compose deployments at a pushed image's digest",
        description="Write k8s-deploy/kustomization.yaml: an overlay of k8s/ whose images: "
                    "entry names the pushed image by digest (kubectl apply -k k8s-deploy), and "
                    "compose.digest.yaml: a compose override whose image: does the same "
                    "(docker compose -f compose.yaml -f compose.digest.yaml up). "
                    "render never writes them, so they are never drift.")
    deploy.add_argument("--answers", default="tightship.yaml", help="the answers file")
    deploy.add_argument("--profile", default="default", help="built-in name or profile path")
    deploy.add_argument("--out", help="the output folder (default: the answers' folder)")
    deploy.add_argument("--image", required=True, help="the name the image was pushed as")
    deploy.add_argument("--digest", required=True, help="the pushed digest (sha256:...)")


def _verify(commands: Any) -> None:
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


def _seccomp(commands: Any) -> None:
    from generator.runtimes import NAMES as RUNTIME_NAMES

    seccomp = commands.add_parser(
        "seccomp", help="seccomp profile tools (learn, explain)",
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
    explain = seccomp_commands.add_parser(
        "explain", help="say why syscalls are left out, restricted or allowed",
        description="Print the reasons the profile's syscall groups give: why each dangerous "
                    "call is never allowed by a group, and why a call is allowed only with "
                    "argument conditions or answered with an error. With SYSCALL names, say "
                    "how each one is handled.")
    explain.add_argument("syscalls", nargs="*", metavar="SYSCALL",
                         help="only these syscalls (default: every one left out or restricted)")
    explain.add_argument("--profile", default="default", metavar="NAME|PATH",
                         help="the profile whose syscall groups are read (default: default)")


def _new(commands: Any) -> None:
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


def _schema(commands: Any) -> None:
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


def _profiles(commands: Any) -> None:
    profiles = commands.add_parser("profiles", help="list the built-in and given profiles")
    profiles.add_argument("paths", nargs="*", metavar="PATH", help="more profile files to list")


# In the order `tightship --help` lists them.
COMMANDS: tuple[tuple[str, Callable[[Any], None]], ...] = (
    ("render", _render), ("update", _update), ("check", _check), ("rules", _rules),
    ("pin", _pin), ("deploy-digest", _deploy_digest), ("verify", _verify),
    ("seccomp", _seccomp), ("new", _new), ("schema", _schema), ("profiles", _profiles))
NAMES = frozenset(name for name, _ in COMMANDS)
