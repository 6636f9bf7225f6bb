"""The command line: the only module that prints or chooses exit codes.

Exit codes: 0 done, 1 drift/conflict/findings, 2 bad input, 3 engine trouble, 4 needs
`tightship update` (render/update --check), 70 internal error, 130 interrupted. Each command
lives in the module for its kind (project, checking, engine); questionary and the Docker SDK
are imported only by the commands that use them.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from generator.cli.parser import _parser
from generator.errors import TightshipError


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own usage message
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(out)
        return 2
    try:
        return command(args.command)(args, out)
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


# command -> the module of generator.cli that runs it (imported only for that command)
COMMANDS = {"render": "project", "update": "project", "new": "project", "schema": "project",
            "profiles": "project", "check": "checking", "rules": "checking", "pin": "engine",
            "verify": "engine", "deploy-digest": "engine", "seccomp": "engine"}


def command(name: str) -> Callable[..., int]:
    """The function that runs command `name` (cmd_NAME in its module)."""
    module = importlib.import_module(f"generator.cli.{COMMANDS[name]}")
    run: Callable[..., int] = getattr(module, "cmd_" + name.replace("-", "_"))
    return run

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
