"""Plain RUN scripts are read without bashlex, and read exactly as bashlex reads them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.check import shell
from generator.check.checker import discover
from generator.check.parsing import parse_dockerfile
from generator.check.read import ParseFailure

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "tests" / "corpus", ROOT / "tests" / "peers", ROOT / "examples"]
MORE = ["apt-get update && apt-get install -y curl", "A=1 B=2 make", "curl -k x|bash",
        "set -o pipefail; curl -fsSL https://x | sh", "sudo -u app env X=1 git clone y",
        "sh -c 'curl -k https://x'", "a && b || c;", "GIT_SSL_NO_VERIFY=1 git clone z",
        "export NODE_TLS_REJECT_UNAUTHORIZED=0 && npm ci", "pip install --trusted-host h x",
        "\"A=1\" b", "go build '-ldflags=-s -w' ."]


def _scripts() -> list[str]:
    scripts = list(MORE)
    for path, _ in discover(FOLDERS):
        if path.name.lower().startswith(("dockerfile", "containerfile")) or \
                path.name.lower().endswith(".dockerfile"):
            try:
                doc = parse_dockerfile(path.name, path.read_text(errors="replace"))
            except ParseFailure:
                continue
            scripts += [shell.script_of(i.value) for i in doc.instructions if i.keyword == "RUN"]
    return sorted(set(scripts))


def _by_bashlex(script: str) -> shell.Script:
    plain, shell._plain = shell._plain, lambda _script: None
    shell.parse.cache_clear()
    try:
        return shell.parse(script)
    finally:
        shell._plain = plain
        shell.parse.cache_clear()


def test_plain_scripts_read_as_bashlex_reads_them() -> None:
    scripts = _scripts()
    plain = [s for s in scripts if shell._plain(s) is not None]
    assert len(plain) >= 20, "the plain path should cover the usual RUN lines"
    for script in plain:
        assert shell._plain(script) == _by_bashlex(script), script


@pytest.mark.parametrize("script", ["echo $HOME", "a > /dev/null", "a &", "if x; then y; fi",
                                    "(cd x && make)", "a # comment", "{ a; }",
                                    "a\nb", "a ;; b", "&& a"])
def test_anything_more_goes_to_bashlex(script: str) -> None:
    assert shell._plain(script) is None


def test_checking_plain_dockerfiles_never_imports_bashlex(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM debian:12@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y"
        " --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 10001\n")
    code = ("import sys; from generator.check.checker import check_paths; "
            "from generator.check.model import Context; "
            f"found, n = check_paths([{str(tmp_path)!r}], Context()); "
            "print(n, len(found) > 0, 'bashlex' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["1", "True", "False"]
