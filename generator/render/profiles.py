"""Org profiles: load, extend, validate, and turn into the Profile model.

A profile is YAML under `profiles/` (or any path). `extends: NAME` deep-merges it over another
profile: mappings merge key by key, lists and scalars replace, and a child's `runtimes` replaces
the parent's wholesale: the child lists exactly what it offers (so it can narrow the choice).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, NamedTuple

from generator.errors import UserError
from generator.imageref import ImageRef, parse_ref
from generator.render.prebuilt import PROFILE_SCHEMA, prebuilt_profile
from generator.render.profile_cache import cached_profile, store_profile
from generator.render.signatures import Signature, build_signature
from generator.render.validation import field_error, validate
from generator.resources import data_dir
from generator.yamlio import Layer, defining_file, load_text, locate, read_text, to_plain

PROFILE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
_REPLACE_WHOLE = {"runtimes"}  # keys a child states in full instead of merging
# An image entry is replaced whole, never merged: a new ref must never inherit an old digest;
# so is a build tool's (a uv taken from an image must not keep the PyPI pin's hashes).
_REPLACE_ENTRIES = {"images", "build_tools"}


class ImageUser(NamedTuple):
    """The numeric user and group an approved base image runs as."""

    uid: int
    gid: int


class BaseImage(NamedTuple):
    """One approved base image, pinned by digest (B01) from an allowed registry (B02)."""

    key: str
    ref: ImageRef
    digest: str
    pinned: str
    shell: bool
    packages: str  # "apt" or "none"
    user: ImageUser | None
    signature: Signature | None = None  # H03: how the gate verifies it; None: not named

    @property
    def pinned_ref(self) -> str:
        return f"{self.ref.written}@{self.digest}"


class RuntimeImages(NamedTuple):
    """The approved build and run images of one runtime."""

    build: BaseImage | None
    run: BaseImage


class Limits(NamedTuple):
    """Resource limits: a profile's default or ceiling, or what one service gets."""

    memory: str
    cpus: str
    pids: int
    ephemeral_storage: str


class Profile(NamedTuple):
    """An org profile, merged along its `extends` chain and validated."""

    name: str
    description: str
    source: str  # the file it was read from
    allowed_registries: tuple[str, ...]
    images: dict[str, BaseImage]
    runtimes: dict[str, dict[str, RuntimeImages]]  # runtime -> version -> images, in order
    user_name: str
    uid: int
    gid: int
    package_pins: dict[str, str]
    default_limits: Limits
    ceiling_limits: Limits
    restart_retries: int
    allowed_capabilities: tuple[str, ...]
    low_ports: bool  # ports below 1024 through the namespaced sysctl, not a capability
    fail_on: str
    templates_dir: Path | None
    layers: tuple[Layer, ...]  # for errors that point into the profile files
    data: dict[str, Any]  # the merged plain data, for outputs that read optional sections

    def versions(self, runtime: str) -> list[str]:
        return list(self.runtimes.get(runtime, {}))


def builtin_dir() -> Path:
    return data_dir("profiles")


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def find_profile(name_or_path: str, *, relative_to: Path | None = None) -> Path:
    """A built-in profile name (`default`, `strict`) or a path to a YAML file."""
    if PROFILE_NAME_RE.match(name_or_path) and not name_or_path.endswith((".yaml", ".yml")):
        candidate = builtin_dir() / f"{name_or_path}.yaml"
        if candidate.is_file():
            return candidate
        known = ", ".join(builtin_names())
        raise UserError(f"no built-in profile '{name_or_path}' (built-in: {known}); "
                        "give a path to use your own", field="profile")
    path = Path(name_or_path)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    return path


def load_profile(name_or_path: str) -> Profile:
    path = find_profile(name_or_path)
    text = read_text(path, what="profile")
    known = prebuilt_profile(path, text) or cached_profile(path, text)
    if known is not None:
        layers, data = known
        return _build(data, layers, source=str(path))
    layers, data = read_profile(path, text)
    profile = _build(copy.deepcopy(data), layers, source=str(path))
    store_profile(path, layers, data)
    return profile


def read_profile(path: Path, text: str) -> tuple[list[Layer], dict[str, Any]]:
    """The layers and merged, validated values of the profile at `path`, from its YAML."""
    layers, merged = _load_chain(path, seen=(), text=text)
    data = to_plain(merged)
    validate(data, PROFILE_SCHEMA, layers)
    return layers, data


def _load_chain(path: Path, seen: tuple[Path, ...],
                text: str | None = None) -> tuple[list[Layer], Any]:
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise UserError(f"profiles extend each other in a loop: {chain}", file=str(path),
                        field="extends")
    if text is None:
        text = read_text(path, what="profile")
    node = load_text(text, file=str(path))
    if not isinstance(node, dict):
        raise UserError("a profile must be a mapping of keys to values", file=str(path), line=1)
    layer = Layer(str(path), node, text=text)
    parent_name = node.get("extends")
    if parent_name is None:
        return [layer], copy.deepcopy(node)
    if not isinstance(parent_name, str):
        raise field_error("expected the name or path of another profile", [layer], ["extends"])
    try:
        parent_path = find_profile(parent_name, relative_to=path.parent)
    except UserError as exc:
        raise field_error(exc.message, [layer], ["extends"]) from None
    if not parent_path.is_file():
        raise field_error(f"profile '{parent_name}' not found", [layer], ["extends"])
    try:
        shipped = prebuilt_profile(parent_path, read_text(parent_path, what="profile"))
        if shipped is not None:  # a bundled profile, as loaded: plain data, merged as such
            return [layer, *shipped[0]], _merge(shipped[1], to_plain(node))
        parent_layers, parent = _load_chain(parent_path, seen=(*seen, resolved))
    except UserError as exc:  # say which `extends` led to the bad file
        file, line = locate([layer], ["extends"])
        raise UserError(f"{exc.message} (reached through `extends` at {file}:{line})",
                        file=exc.file, line=exc.line, field=exc.field) from None
    return [layer, *parent_layers], _merge(parent, node)


def _merge(parent: Any, child: Any, key: str | None = None) -> Any:
    if isinstance(parent, dict) and isinstance(child, dict) and key in _REPLACE_ENTRIES:
        merged = copy.deepcopy(parent)
        merged.update(copy.deepcopy(child))
        return merged
    if isinstance(parent, dict) and isinstance(child, dict) and key not in _REPLACE_WHOLE:
        merged = copy.deepcopy(parent)
        for k, v in child.items():
            merged[k] = _merge(parent[k], v, k) if k in parent else copy.deepcopy(v)
        return merged
    return copy.deepcopy(child)


def _build(data: dict[str, Any], layers: list[Layer], source: str) -> Profile:
    allowed = list(data["allowed_registries"])
    images: dict[str, BaseImage] = {}
    for key, entry in data["images"].items():
        path = ["images", key, "ref"]
        try:
            ref = parse_ref(entry["ref"])
        except ValueError as exc:
            raise field_error(str(exc), layers, path) from None
        if ref.tag is None or ref.tag == "latest":
            raise field_error("name a tag other than 'latest' so readers know what the digest is "
                              "(B01)",
                       layers, path)
        user = entry.get("user")
        images[key] = BaseImage(
            key=key, ref=ref, digest=entry["digest"], pinned=entry["pinned"],
            shell=entry["shell"], packages=entry["packages"],
            user=ImageUser(user["uid"], user["gid"]) if user else None,
            signature=build_signature(entry.get("signature"), key, layers),
        )

    def image(runtime: str, version: str, role: str) -> BaseImage | None:
        key = data["runtimes"][runtime][version].get(role)
        if key is None:
            return None
        path = ["runtimes", runtime, version, role]
        if key not in images:
            raise field_error(f"no image '{key}' under images", layers, path)
        chosen = images[key]
        if role == "run" and not chosen.shell and chosen.user is None:
            # A tool image (COPY --from only) may lack both; a run stage needs one of them.
            raise field_error("an image without a shell cannot create a user: name its non-root "
                       "user (uid, gid)", layers, ["images", key])
        if not chosen.ref.allowed_by(allowed):
            raise field_error(f"image {chosen.ref.written} is not from an allowed registry "
                       f"({', '.join(allowed)}), yet {runtime} {version} uses it (B02)",
                       layers, ["images", key, "ref"])
        return chosen

    def run_image(runtime: str, version: str) -> BaseImage:
        chosen = image(runtime, version, "run")
        assert chosen is not None  # the schema requires every version to name its run image
        return chosen

    runtimes = {
        runtime: {str(version): RuntimeImages(build=image(runtime, version, "build"),
                                              run=run_image(runtime, version))
                  for version in versions}
        for runtime, versions in data["runtimes"].items()
    }
    templates = data.get("templates")
    templates_dir = None
    if templates:
        defined_in = defining_file(layers, ["templates"])  # relative paths: to the file naming it
        templates_dir = (Path(defined_in).parent / templates).resolve()
        if not templates_dir.is_dir():
            raise field_error(f"template folder {templates_dir} does not exist", layers,
                              ["templates"])
    return Profile(
        name=data["name"], description=data.get("description", ""), source=source,
        allowed_registries=tuple(allowed), images=images, runtimes=runtimes,
        user_name=data["user"]["name"], uid=data["user"]["uid"], gid=data["user"]["gid"],
        package_pins=dict(data.get("package_pins") or {}),
        default_limits=Limits(**data["limits"]["default"]),
        ceiling_limits=Limits(**data["limits"]["ceiling"]),
        restart_retries=data["restart_retries"],
        allowed_capabilities=tuple(data["capabilities"]["allowed"]),
        low_ports=bool(data.get("low_ports", False)),
        fail_on=data["fail_on"], templates_dir=templates_dir, layers=tuple(layers), data=data,
    )
