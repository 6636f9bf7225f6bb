"""How fast `tightship render` is: a cold command-line run, and 1,000 services in-process.

Run: `make bench` (or `.venv/bin/python bench/render_bench.py [--runs N] [--services N]`).
Prints, side by side from one run: the cold render's median against the floor (a process that
only imports jinja2 and ruamel.yaml, run alternately with it), and the in-process time per
service. Times are CPU seconds (user + system), so a machine shared with other work gives
roughly the same figures; nothing is asserted, so they can be compared across changes.
"""

from __future__ import annotations

import argparse
import resource
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


FLOOR = [sys.executable, "-c", "import jinja2, ruamel.yaml"]


def child_cpu(command: list[str], cwd: Path) -> float:
    """CPU seconds (user + system) that one run of `command` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_render(runs: int) -> tuple[list[float], list[float]]:
    """`python -m generator render` in a fresh process into a fresh folder, and the floor,
    alternately: (render times, floor times)."""
    renders, floors = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            service = Path(tmp) / "python"
            shutil.copytree(REPO / "examples" / "python", service)
            floors.append(child_cpu(FLOOR, service))
            renders.append(child_cpu([sys.executable, "-m", "generator", "render",
                                      "--out", "out"], service))
    return renders, floors


def in_process(services: int) -> tuple[float, int]:
    """Build the Spec, render every file and self-check them, for `services` services.

    What `render` does per service once the profile is loaded: the six examples in turn.
    """
    profile = load_profile("default")
    env = template_env(profile)
    answers = [load_answers(REPO / "examples" / name / "tightship.yaml") for name in EXAMPLES]
    start = time.process_time()
    files = 0
    for i in range(services):
        spec = build_spec(answers[i % len(answers)], profile)
        rendered = render_all(spec, profile, env)
        self_check(rendered, profile)
        files += len(rendered)
    return time.process_time() - start, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--services", type=int, default=1000)
    args = parser.parse_args()

    renders, floors = cold_render(args.runs)
    cold, floor = statistics.median(renders), statistics.median(floors)
    elapsed, files = in_process(args.services)
    print(f"cold `tightship render` (python example): {cold * 1000:.0f} ms CPU, "
          f"floor (`import jinja2, ruamel.yaml`): {floor * 1000:.0f} ms, "
          f"ratio {cold / floor:.2f} (goal <= 2.0; medians of {args.runs} runs)")
    print(f"in-process render + self-check of {args.services} services ({files} files): "
          f"{elapsed:.2f} s CPU, {elapsed / args.services * 1000:.2f} ms per service "
          f"(goal <= 10)")


if __name__ == "__main__":
    main()
