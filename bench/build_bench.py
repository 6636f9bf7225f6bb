"""Cold build time and final image size of each realistic example: the generated Dockerfile
beside a plain single-stage one (bench/plain/NAME.Dockerfile), both built without cache.

    . /var/cache/tightship-ci/engine.env
    .venv/bin/python bench/build_bench.py [NAME ...]

Needs the engine and the local registry's base images, and renders with the engine tests'
profile (tests/engine_support.py). Prints a Markdown table; dependencies are downloaded in
every build (no cache), so the times include the network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from engine_support import (  # noqa: E402  (the engine tests' profile: one definition)
    DEBIAN_IMAGE,
    GOLANG_IMAGE,
    PROFILE_IMAGES,
    engine_profile_yaml,
    registry_digests,
)

# Each example but Java (no JDK in the local registry) -> the base of its plain Dockerfile.
BASES = {"python": PROFILE_IMAGES["python-3.13"][0], "node": PROFILE_IMAGES["node-24"][0],
         "go": GOLANG_IMAGE, "generic": DEBIAN_IMAGE, "static": DEBIAN_IMAGE}
EXAMPLES = {"django-uploads": "python", "fastapi-poetry": "python", "spool-worker": "python",
            "python": "python", "express-pnpm": "node", "express-yarn": "node",
            "koa-yarn-berry": "node", "ts-api": "node", "node": "node", "go": "go",
            "go-cmd-vendor": "go", "static": "static", "nginx-static": "generic",
            "generic": "generic"}


def profile(folder: Path) -> Path:
    import docker

    client = docker.from_env(timeout=120)
    path = folder / "profile.yaml"
    path.write_text(engine_profile_yaml(registry_digests(client)))
    client.close()
    return path


def prebuild_static(folder: Path) -> None:
    """The static example copies a binary built beforehand (its Makefile, with Go's image)."""
    subprocess.run(["docker", "run", "--rm", "--network", "none", "-e", "CGO_ENABLED=0",
                    "-e", "HOME=/tmp", "-v", f"{folder}:/src", "-w", "/src", GOLANG_IMAGE,
                    "go", "build", "-trimpath", "-o", "bin/hello-static", "."], check=True,
                   stdout=subprocess.DEVNULL)


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
            if EXAMPLES[name] == "static":
                prebuild_static(generated)
            subprocess.run([sys.executable, "-m", "generator", "render", "--profile", str(prof),
                            "--force"], cwd=generated, check=True, stdout=subprocess.DEVNULL,
                           env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
            try:
                ours = build(generated, f"tightship-test/bench-{name}:generated")
            except subprocess.CalledProcessError:
                ours = (float("nan"), 0)
            plain_dir = folder / "plain" / name
            shutil.copytree(REPO / "examples" / name, plain_dir)
            if EXAMPLES[name] == "static":
                prebuild_static(plain_dir)
            try:
                plain = build(plain_dir, f"tightship-test/bench-{name}:plain", "-f",
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
