"""What a lock file says is installed, and what an image holds, as (name, version) pairs.

Each parser reads the lock file the real tool wrote (uv.lock, poetry.lock, requirements.txt with
hashes, package-lock.json, pnpm-lock.yaml, yarn.lock classic or berry) and keeps the packages a
production install reaches on the final image's platform; `installed` asks the image's own
interpreter what it holds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import tomllib
from packaging.markers import Marker
from ruamel.yaml import YAML

# The final images' platform, for the lock files' environment markers.
PLATFORM = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
            "platform_machine": "x86_64", "implementation_name": "cpython",
            "platform_python_implementation": "CPython"}
SEED = {"pip", "setuptools", "wheel"}  # what `python3 -m venv` puts in a virtualenv


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def applies(marker: str | None) -> bool:
    env = {**PLATFORM, "python_version": "3.13", "python_full_version": "3.13.5"}
    return marker is None or Marker(marker).evaluate(env)


def uv_locked(lock: dict) -> set[tuple[str, str]]:
    """The packages uv sync --no-dev installs: what the project's dependencies reach."""
    packages = {p["name"]: p for p in lock["package"]}
    root = next(p for p in lock["package"] if "virtual" in p.get("source", {})
                or "editable" in p.get("source", {}))
    wanted, todo = set(), [d for d in root.get("dependencies", []) if applies(d.get("marker"))]
    while todo:
        dep = todo.pop()
        if dep["name"] in wanted:
            continue
        wanted.add(dep["name"])
        todo += [d for d in packages[dep["name"]].get("dependencies", [])
                 if applies(d.get("marker"))]
    return {(normal(n), packages[n]["version"]) for n in wanted}


def poetry_locked(lock: dict) -> set[tuple[str, str]]:
    found = set()
    for p in lock["package"]:
        marker = p.get("markers")
        marker = marker.get("main") if isinstance(marker, dict) else marker
        if "main" in p.get("groups", ["main"]) and applies(marker):
            found.add((normal(p["name"]), p["version"]))
    return found


def requirements_locked(text: str) -> set[tuple[str, str]]:
    found = set()
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$",
                         line)
        if match and applies(match.group(3)):
            found.add((normal(match.group(1)), match.group(2)))
    return found


def npm_locked(lock: dict) -> set[tuple[str, str]]:
    return {(key.rsplit("node_modules/", 1)[1], entry["version"])
            for key, entry in lock["packages"].items()
            if key and not entry.get("dev") and not entry.get("link")}


def yarn_classic_locked(text: str) -> set[tuple[str, str]]:
    found, name = set(), None
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            first = line.rstrip(":").split(",")[0].strip().strip('"')
            name = first.rsplit("@", 1)[0]
        elif line.strip().startswith("version ") and name:
            found.add((name, line.split('"')[1]))
    return found


def yarn_berry_locked(lock: dict) -> set[tuple[str, str]]:
    return {(entry["resolution"].rsplit("@npm:", 1)[0], str(entry["version"]))
            for key, entry in lock.items()
            if key != "__metadata" and "@workspace:" not in entry["resolution"]}


def pnpm_locked(lock: dict) -> set[tuple[str, str]]:
    return {tuple(key.split("(", 1)[0].rsplit("@", 1)) for key in lock.get("packages", {})}


def locked(service: Path) -> set[tuple[str, str]]:
    if (service / "uv.lock").exists():
        return uv_locked(tomllib.loads((service / "uv.lock").read_text()))
    if (service / "poetry.lock").exists():
        return poetry_locked(tomllib.loads((service / "poetry.lock").read_text()))
    if (service / "requirements.txt").exists():
        return requirements_locked((service / "requirements.txt").read_text())
    if (service / "package-lock.json").exists():
        return npm_locked(json.loads((service / "package-lock.json").read_text()))
    if (service / "pnpm-lock.yaml").exists():
        return pnpm_locked(YAML(typ="safe").load((service / "pnpm-lock.yaml").read_text()))
    text = (service / "yarn.lock").read_text()
    if "__metadata:" in text:
        return yarn_berry_locked(YAML(typ="safe").load(text))
    return yarn_classic_locked(text)


PYTHON_INSTALLED = ("import importlib.metadata as m, json; print(json.dumps(sorted("
                    "[d.metadata['Name'], d.version] for d in m.distributions())))")
NODE_INSTALLED = r"""
const fs = require('fs'), path = require('path'), found = new Set();
function walk(dir) {
  let entries; try { entries = fs.readdirSync(dir, {withFileTypes: true}); } catch { return; }
  for (const e of entries) {
    if (!e.isDirectory() || e.isSymbolicLink()) continue;
    const full = path.join(dir, e.name);
    if (/\/node_modules\/(@[^/]+\/)?[^/.@][^/]*$/.test(full)) {
      try {
        const p = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'));
        if (p.name && p.version && full.endsWith('/' + p.name)) found.add(p.name + '@' + p.version);
      } catch {}
    }
    walk(full);
  }
}
walk('/app/node_modules');
console.log(JSON.stringify([...found].sort()));
"""


def installed(engine, image: str, runtime: str) -> set[tuple[str, str]]:
    """The (name, version) pairs installed in the image, read by its own interpreter."""
    if runtime == "python":
        argv = ["python3", "-c", PYTHON_INSTALLED]
    else:
        argv = ["node", "-e", NODE_INSTALLED]
    out = engine.containers.run(image, argv, remove=True, network_mode="none",
                                read_only=True, cap_drop=["ALL"]).decode()
    items = json.loads(out)
    if runtime == "python":
        return {(normal(n), v) for n, v in items if normal(n) not in SEED}
    return {tuple(i.rsplit("@", 1)) for i in items}


def go_vendored(service: Path) -> set[tuple[str, str]]:
    """The modules vendor/modules.txt names (`# path version` lines), none if nothing is vendored."""
    listing = service / "vendor" / "modules.txt"
    if not listing.exists():
        return set()
    return {tuple(line[2:].split()[:2]) for line in listing.read_text().splitlines()
            if line.startswith("# ") and len(line.split()) >= 3}


def go_linked(engine, image: str, binary: str, go_image: str, scratch: Path) -> set[tuple[str, str]]:
    """The modules linked into the image's Go binary, as `go version -m` reads its build info."""
    import io
    import tarfile

    container = engine.containers.create(image)
    try:
        stream, _ = container.get_archive(binary)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.getmembers()[0]
            (scratch / "binary").write_bytes(tar.extractfile(member).read())
    finally:
        container.remove(force=True)
    out = engine.containers.run(go_image, ["go", "version", "-m", "/probe/binary"], remove=True,
                                network_mode="none", environment={"HOME": "/tmp"},
                                volumes={str(scratch): {"bind": "/probe", "mode": "ro"}}).decode()
    return {tuple(line.split("\t")[2:4]) for line in out.splitlines()
            if line.startswith("\tdep\t")}
