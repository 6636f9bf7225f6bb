"""Cold build time and final image size of each realistic example: the generated Dockerfile
beside a plain single-stage one (bench/plain/NAME.Dockerfile), both built without cache.

    . /var/cache/tightship-ci/engine.env
    .venv/bin/python bench/build_bench.py [NAME ...]

Needs the engine and the local registry's base images (see tests/engine_support.py). Prints a
Markdown table; dependencies are downloaded in every build (no cache), so the times include
the network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REGISTRY = "127.0.0.1:5000"
BASES = {"python": f"{REGISTRY}/python:3.13-slim-trixie",
         "node": f"{REGISTRY}/node:24-trixie-slim",
         "go": f"{REGISTRY}/golang:1.25-trixie"}
# Final images that are not also a build image (Go's distroless static).
RUN_ONLY = {"go": (f"{REGISTRY}/distroless/static-debian13:nonroot",
                   "shell: false, packages: none, user: {uid: 65532, gid: 65532}")}
EXAMPLES = {"django-uploads": "python", "fastapi-poetry": "python", "spool-worker": "python",
            "express-pnpm": "node", "express-yarn": "node", "koa-yarn-berry": "node",
            "ts-api": "node", "go-cmd-vendor": "go"}


def digest(ref: str) -> str:
    out = subprocess.run(["docker", "inspect", "--format", "{{index .RepoDigests 0}}", ref],
                         capture_output=True, text=True, check=True).stdout.strip()
    return out.rsplit("@", 1)[1]


def profile(folder: Path) -> Path:
    lines = ["name: bench", "extends: default", f"allowed_registries: ['{REGISTRY}']",
             "images:"]
    for runtime, ref in BASES.items():
        lines.append(f"  {runtime}-image: {{ref: '{ref}', digest: '{digest(ref)}', "
                     "pinned: '2026-12-01', shell: true, packages: apt}")
    for runtime, (ref, fields) in RUN_ONLY.items():
        lines.append(f"  {runtime}-run: {{ref: '{ref}', digest: '{digest(ref)}', "
                     f"pinned: '2026-12-01', {fields}}}")
    # The npm registry reachable from these builds is a mirror that serves no signatures.
    lines += ["build_tools:", "  corepack: {version: 0.36.0, signatures: false}"]
    lines += ["runtimes:", "  python:", "    '3.13': {build: python-image, run: python-image}",
              "  node:", "    '24': {build: node-image, run: node-image}",
              "  go:", "    '1.25': {build: go-image, run: go-run}"]
    path = folder / "profile.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def build(context: Path, tag: str, *args: str) -> tuple[float, int]:
    start = time.monotonic()
    subprocess.run(["docker", "build", "--no-cache", "--force-rm", "-q", "-t", tag, *args,
                    str(context)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    seconds = time.monotonic() - start
    size = int(subprocess.run(["docker", "image", "inspect", "--format", "{{.Size}}", tag],
                              capture_output=True, text=True, check=True).stdout)
    subprocess.run(["docker", "image", "rm", "-f", tag], check=True, stdout=subprocess.DEVNULL)
    return seconds, size


def main(names: list[str]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        prof = profile(folder)
        for name in names or list(EXAMPLES):
            generated = folder / "generated" / name
            shutil.copytree(REPO / "examples" / name, generated)
            subprocess.run([sys.executable, "-m", "generator", "render", "--profile", str(prof),
                            "--force"], cwd=generated, check=True, stdout=subprocess.DEVNULL,
                           env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
            try:
                ours = build(generated, f"bench-builds/{name}:generated")
            except subprocess.CalledProcessError:
                ours = (float("nan"), 0)
            plain_dir = folder / "plain" / name
            shutil.copytree(REPO / "examples" / name, plain_dir)
            try:
                plain = build(plain_dir, f"bench-builds/{name}:plain", "-f",
                              str(REPO / "bench" / "plain" / f"{name}.Dockerfile"),
                              "--build-arg", f"BASE={BASES[EXAMPLES[name]]}")
            except subprocess.CalledProcessError:
                plain = (float("nan"), 0)
            rows.append((name, ours, plain))
            print(f"{name}: generated {ours[0]:.0f} s {ours[1] / 1e6:.0f} MB, "
                  f"plain {plain[0]:.0f} s {plain[1] / 1e6:.0f} MB", file=sys.stderr)
    print("| example | cold build (generated) | cold build (plain) | final image (generated) "
          "| image (plain) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (t1, s1), (t2, s2) in rows:
        print(f"| {name} | {t1:.0f} s | {t2:.0f} s | {s1 / 1e6:.0f} MB | {s2 / 1e6:.0f} MB |")


if __name__ == "__main__":
    main(sys.argv[1:])
