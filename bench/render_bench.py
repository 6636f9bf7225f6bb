"""How fast `tightship render` is: a cold command-line run, and 1,000 services in-process.

Run: `make bench` (or `.venv/bin/python bench/render_bench.py [--runs N] [--services N]`).
Prints medians; nothing here is asserted, so the figures can be compared across changes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.render.answers import load_answers  # noqa: E402
from generator.render.files import render_all  # noqa: E402
from generator.render.pipeline import self_check  # noqa: E402
from generator.render.profiles import load_profile  # noqa: E402
from generator.render.spec import build_spec  # noqa: E402
from generator.render.templates import template_env  # noqa: E402

EXAMPLES = ("python", "node", "go", "java", "static", "generic")


def cold_render(runs: int) -> list[float]:
    """Wall time of `python -m generator render` in a fresh process, into a fresh folder."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            service = Path(tmp) / "python"
            shutil.copytree(REPO / "examples" / "python", service)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "generator", "render", "--out", "out"],
                           cwd=service, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def in_process(services: int) -> tuple[float, int]:
    """Build the Spec, render every file and self-check them, for `services` services.

    What `render` does per service once the profile is loaded: the six examples in turn.
    """
    profile = load_profile("default")
    env = template_env(profile)
    answers = [load_answers(REPO / "examples" / name / "tightship.yaml") for name in EXAMPLES]
    start = time.perf_counter()
    files = 0
    for i in range(services):
        spec = build_spec(answers[i % len(answers)], profile)
        rendered = render_all(spec, profile, env)
        self_check(rendered, profile)
        files += len(rendered)
    return time.perf_counter() - start, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--services", type=int, default=1000)
    args = parser.parse_args()

    cold = cold_render(args.runs)
    median = statistics.median(cold) * 1000
    print(f"cold `tightship render` (python example): median {median:.0f} ms"
          f" over {args.runs} runs (min {min(cold) * 1000:.0f}, max {max(cold) * 1000:.0f})")
    elapsed, files = in_process(args.services)
    print(f"in-process render of {args.services} services ({files} files): "
          f"{elapsed:.2f} s, {elapsed / args.services * 1000:.2f} ms per service, "
          f"{args.services / elapsed:.0f} services/s")


if __name__ == "__main__":
    main()
