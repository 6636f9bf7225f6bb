"""The command line: the only module that prints or chooses exit codes.

Exit codes: 0 done, 1 drift/conflict/findings, 2 bad input, 3 engine trouble, 4 needs
`tightship update` (render/update --check), 70 internal error, 130 interrupted. Each command
lives in the module for its kind (project, checking, engine); questionary and the Docker SDK
are imported only by the commands that use them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from generator.cli.checking import cmd_check, cmd_rules
from generator.cli.engine import cmd_deploy_digest, cmd_pin, cmd_seccomp, cmd_verify
from generator.cli.parser import _parser
from generator.cli.project import cmd_new, cmd_profiles, cmd_render, cmd_schema, cmd_update
from generator.errors import TightshipError


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


COMMANDS = {"render": cmd_render, "update": cmd_update, "new": cmd_new, "check": cmd_check,
            "rules": cmd_rules, "pin": cmd_pin, "verify": cmd_verify,
            "deploy-digest": cmd_deploy_digest,
            "profiles": cmd_profiles, "schema": cmd_schema}

COMMANDS["seccomp"] = cmd_seccomp

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
