"""The rendered AppArmor profile, compiled by apparmor_parser itself before anything is written.

`-Q -K -S`: parse and compile only; never load into a kernel, never touch the cache, and write
the compiled policy to stdout (discarded), so no AppArmor kernel module or root is needed.
The policy is thrown away, so the parser skips the passes that only make it smaller (`-O
no-...`, a quarter of its time): every rule is still parsed and built into the state machine.
Where apparmor_parser is not installed, this step does nothing: the rules in check stand alone.
A profile that compiled is remembered in the cache folder by its text and the parser binary
(path, size, modification time), so the same profile is not compiled again by the same parser.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from generator.messages import clip
from generator.render.disk_cache import pass_marker, remember_pass

_AT_LINE = r" at line (\d+): (.*)"  # compiled only when the parser refuses a profile
_UNOPTIMIZED = ("-O", "no-expr-simplify", "-O", "no-minimize", "-O", "no-remove-unreachable",
                "-O", "no-filter-deny")


def parser() -> str | None:
    return shutil.which("apparmor_parser") or next(
        (p for p in ("/usr/sbin/apparmor_parser", "/sbin/apparmor_parser") if Path(p).exists()),
        None)


def compile_errors(files: dict[str, str]) -> list[tuple[str, int, str]]:
    """(rendered file, line, parser's message) for each AppArmor profile that does not compile."""
    tool = parser()
    if tool is None:
        return []
    errors = []
    for name, text in sorted(files.items()):
        if not name.startswith("apparmor/"):
            continue
        compiled = _pass_marker(tool, text)
        if compiled is not None and compiled.exists():
            continue
        import subprocess  # only a profile not compiled before runs the parser
        with tempfile.TemporaryDirectory(prefix="tightship-apparmor-") as folder:
            path = Path(folder) / "profile"
            path.write_text(text, encoding="utf-8")
            try:
                proc = subprocess.run([tool, "-Q", "-K", "-S", *_UNOPTIMIZED, str(path)],
                                      capture_output=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired) as exc:
                errors.append((name, 1, f"apparmor_parser could not run: {exc}"))
                continue
        if proc.returncode != 0:
            errors.append((name, *_explain(proc.stderr.decode("utf-8", "replace"))))
        else:
            remember_pass(compiled)
    return errors


def _pass_marker(tool: str, text: str) -> Path | None:
    """Where a compile of `text` by this parser binary is remembered; None: no binary to name."""
    try:
        binary = Path(tool).resolve()
        info = binary.stat()
    except OSError:
        return None
    return pass_marker("apparmor", str(binary), str(info.st_size), str(info.st_mtime_ns), text)



def _explain(stderr: str) -> tuple[int, str]:
    lines = [line for line in stderr.splitlines() if line.strip()
             and not line.startswith("Cache read/write disabled")]
    for line in lines:
        found = re.search(_AT_LINE, line)
        if found:
            return int(found.group(1)), clip(found.group(2))
    return 1, clip(" ".join(lines) or "apparmor_parser refused it")
