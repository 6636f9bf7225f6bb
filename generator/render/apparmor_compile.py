"""The rendered AppArmor profile, compiled by apparmor_parser itself before anything is written.

`-Q -K -S`: parse and compile only; never load into a kernel, never touch the cache, and write
the compiled policy to stdout (discarded), so no AppArmor kernel module or root is needed.
Where apparmor_parser is not installed, this step does nothing: the rules in check stand alone.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.messages import clip

_AT_LINE = re.compile(r" at line (\d+): (.*)")


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
        with tempfile.TemporaryDirectory(prefix="tightship-apparmor-") as folder:
            path = Path(folder) / "profile"
            path.write_text(text, encoding="utf-8")
            try:
                proc = subprocess.run([tool, "-Q", "-K", "-S", str(path)], capture_output=True,
                                      timeout=60)
            except (OSError, subprocess.TimeoutExpired) as exc:
                errors.append((name, 1, f"apparmor_parser could not run: {exc}"))
                continue
        if proc.returncode != 0:
            errors.append((name, *_explain(proc.stderr.decode("utf-8", "replace"))))
    return errors


def _explain(stderr: str) -> tuple[int, str]:
    lines = [line for line in stderr.splitlines() if line.strip()
             and not line.startswith("Cache read/write disabled")]
    for line in lines:
        found = _AT_LINE.search(line)
        if found:
            return int(found.group(1)), clip(found.group(2))
    return 1, clip(" ".join(lines) or "apparmor_parser refused it")
