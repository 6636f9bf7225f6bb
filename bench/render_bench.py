"""How fast `tightship render` is: a cold command-line run, and 1,000 services in-process.

Run: `make bench` (or `.venv/bin/python bench/render_bench.py [--runs N] [--services N]`).
Prints, side by side from one run: the cold render's median against the floor (a process that
only imports jinja2 and ruamel.yaml, run alternately with it), with the cache folder a render
fills (the profile's values, schema passes, syscall groups, AppArmor compiles) and with an
empty one each run, and the in-process time per service. The children may write bytecode, as
an installed package has it. Times are CPU seconds (user + system, apparmor_parser included),
so a machine shared with other work gives roughly the same figures; nothing is asserted, so
they can be compared across changes.
"""

from __future__ import annotations

import argparse
import os
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


def child_cpu(command: list[str], cwd: Path, cache: Path) -> float:
    """CPU seconds (user + system) that one run of `command` took, with `cache` as its cache
    folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TIGHTSHIP_CACHE_DIR"] = str(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


RENDER = [sys.executable, "-m", "generator", "render", "--out", "out"]


def cold_render(runs: int) -> tuple[list[float], list[float], list[float]]:
    """`python -m generator render` in a fresh process into a fresh folder, with a filled
    cache folder and with an empty one, and the floor, alternately: (warm, empty, floor)."""
    warm, empty, floors = [], [], []
    with tempfile.TemporaryDirectory() as kept:
        cache = Path(kept) / "cache"
        for run in range(runs + 1):
            with tempfile.TemporaryDirectory() as tmp:
                service = Path(tmp) / "python"
                shutil.copytree(REPO / "examples" / "python", service)
                floor = child_cpu(FLOOR, service, cache)
                first = child_cpu(RENDER, service, Path(tmp) / "empty-cache")
                shutil.rmtree(service / "out")
                again = child_cpu(RENDER, service, cache)
            if run:  # the first run writes bytecode and fills the cache
                floors.append(floor)
                empty.append(first)
                warm.append(again)
    return warm, empty, floors


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

    warm, empty, floors = cold_render(args.runs)
    cold, first, floor = (statistics.median(warm), statistics.median(empty),
                          statistics.median(floors))
    elapsed, files = in_process(args.services)
    print(f"cold `tightship render` (python example): {cold * 1000:.0f} ms CPU, "
          f"floor (`import jinja2, ruamel.yaml`): {floor * 1000:.0f} ms, "
          f"ratio {cold / floor:.2f} (goal <= 2.0; medians of {args.runs} runs); "
          f"with an empty cache folder {first * 1000:.0f} ms, ratio {first / floor:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"in-process render + self-check of {args.services} services ({files} files): "
          f"{elapsed:.2f} s CPU, {elapsed / args.services * 1000:.2f} ms per service "
          f"(goal <= 10)")


if __name__ == "__main__":
    main()
