"""Every example rendered with the engine profile and built once per test session.

The engine tests that run an example take its build from here, so a CI run builds each image
once however many checks look at it. Each one is rendered into its own folder (its build
context) with the image repository named after it, a free 127.0.0.1 port published for its
container port, and the answers the services' proofs add (a persistent volume, a `_FILE`
variable naming the declared secret); the image is tagged as compose.yaml names it.

Under pytest-xdist each worker renders its own folder (its own port, its own compose project)
and tags its own image (the worker's id in the repository, so one worker's clean-up never
removes an image another still runs), but a file lock shared by the workers lets only one of
them build an example at a time: the next one finds every layer in the engine's build cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import engine_support
from cli_support import copy_example, run_cli
from filelock import FileLock
from ruamel.yaml import YAML
from test_engine_compose import free_port
from test_services_manifests import SERVICES

FAST_HEALTH = ("healthcheck.interval=2s", "healthcheck.start_period=60s")


@dataclass(frozen=True)
class Example:
    runtime: str
    port: int | None  # the container port the host reaches; None: a worker with no port
    volumes: tuple[str, ...] = ()  # persistent paths: what is written must survive down / up


EXAMPLES: dict[str, Example] = {
    "django-uploads": Example("python", 8000, ("/data/uploads",)),
    "fastapi-poetry": Example("python", 8000),
    "spool-worker": Example("python", None, ("/var/spool/worker",)),
    "python": Example("python", 8080),
    "express-pnpm": Example("node", 80),
    "express-yarn": Example("node", 8080),
    "koa-yarn-berry": Example("node", 3000),
    "ts-api": Example("node", 8080),
    "node": Example("node", 8080),
    "go": Example("go", 8080),
    "go-cmd-vendor": Example("go", 8080),
    "static": Example("static", 8080),
    "nginx-static": Example("generic", 8080),
    "generic": Example("generic", 8080),
}


@dataclass
class Built:
    name: str
    folder: Path
    profile: Path
    sets: tuple[str, ...]  # the --set answers it was rendered with (verify needs the same)
    svc: dict  # its compose service
    image: object
    example: Example
    host_port: int | None

    @property
    def writable(self) -> list[str]:
        answers = YAML(typ="safe").load((self.folder / "tightship.yaml").read_text())
        declared = list(answers.get("writable", []))
        return [p for p in declared if p not in self.example.volumes] + list(self.example.volumes)


_BUILT: dict[str, Built] = {}


def _prebuild_static(engine, folder: Path) -> None:
    """The static runtime copies a binary built beforehand: build it with the registry's Go."""
    engine.containers.run(
        engine_support.GOLANG_IMAGE, ["go", "build", "-trimpath", "-o", "bin/hello-static", "."],
        working_dir="/src", volumes={str(folder): {"bind": "/src", "mode": "rw"}},
        environment={"CGO_ENABLED": "0", "HOME": "/tmp"}, network_mode="none", remove=True)


def _repository(name: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ... under xdist
    return f"{engine_support.TEST_TAG_PREFIX}examples-{name}" + (f"-{worker}" if worker else "")


def built_example(engine, profile: Path, scratch: Path, locks: Path, name: str) -> Built:
    """`name` rendered and built, the first time it is asked for in this session.

    `locks` is a folder every worker of the run shares.
    """
    if name in _BUILT:
        return _BUILT[name]
    example = EXAMPLES[name]
    folder = copy_example(name, scratch)
    if example.runtime == "static":
        _prebuild_static(engine, folder)
    host_port = free_port() if example.port else None
    sets = (*SERVICES.get(name, ()), *FAST_HEALTH,
            f"run.image.repository={_repository(name)}",
            *((f"run.publish={{{example.port}: {host_port}}}",) if host_port else ()))
    result = run_cli("render", "--answers", str(folder / "tightship.yaml"), "--profile",
                     str(profile), "--force", *(x for s in sets for x in ("--set", s)))
    assert result.code == 0, result.err
    (svc,) = YAML(typ="safe").load((folder / "compose.yaml").read_text())["services"].values()
    with FileLock(locks / f"example-{name}.lock"):
        image = engine_support.build_image(engine, folder, svc["image"])
    _BUILT[name] = Built(name, folder, profile, sets, svc, image, example, host_port)
    return _BUILT[name]
