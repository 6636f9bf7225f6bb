"""The built-in templates, shipped compiled: each is the Python module jinja2 compiles it to
(generator/render/compiled/), so a render imports it, bytecode and all, instead of lexing,
parsing and generating code for it (about 36 ms of a first render).

A shipped module is used only while the template's source, jinja2's version and the sandbox's
code generator (template_bounds.py) are those it was compiled from, as compiled/manifest.json
records; anything else is compiled from its source, as an org's templates always are. The
modules are part of the package, not of the cache folder, so nothing a render writes can change
code a later render runs. `python tests/test_shipped_templates.py` writes them anew.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import MutableMapping
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemLoader, Template
from jinja2.loaders import ModuleLoader

from generator.render import template_bounds
from generator.render.prebuilt import digest

COMPILED = Path(__file__).resolve().parent / "compiled"
MANIFEST = COMPILED / "manifest.json"
_PACKAGE = "generator.render.compiled"


@cache
def shaping() -> dict[str, str]:
    """What, besides its source, decides the code a template compiles to."""
    bounds = Path(template_bounds.__file__).read_bytes()
    return {"jinja2": jinja2.__version__, "code_generator": digest(bounds)}


@cache
def _manifest() -> dict[str, Any]:
    try:
        data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def shipped_code(name: str, source: str) -> CodeType | None:
    """The compiled code of the built-in template `name` (read from its module's bytecode when
    Python kept it), if it was compiled from `source` by this jinja2 and this code generator."""
    manifest = _manifest()
    if manifest.get("shaping") != shaping():
        return None
    if manifest.get("templates", {}).get(name) != digest(source):
        return None
    module = f"{_PACKAGE}.{ModuleLoader.get_template_key(name)}"
    try:
        spec = importlib.util.find_spec(module)
        get_code = getattr(spec.loader, "get_code", None) if spec is not None else None
        if get_code is None:  # not a loader that hands over code (importlib.abc.InspectLoader)
            return None
        code: CodeType | None = get_code(module)
        return code
    except (ImportError, OSError, SyntaxError):
        return None


class ShippedLoader(FileSystemLoader):
    """The built-in templates folder: a template comes from its shipped code when that was
    compiled from the source found here, else from the source."""

    def load(self, environment: Environment, name: str,
             globals: MutableMapping[str, Any] | None = None) -> Template:
        source, filename, uptodate = self.get_source(environment, name)
        code = shipped_code(name, source)
        if code is None:
            return super().load(environment, name, globals)
        # As jinja2 runs code it compiled itself: in a namespace of this environment's own.
        template = environment.template_class.from_code(
            environment, code, environment.make_globals(globals), uptodate)
        template.filename = filename  # errors name the template, not the module
        return template


def write_compiled(environment: Environment, names: list[str]) -> None:
    """Compile `names` with `environment` into compiled/ and record what they came from."""
    for old in COMPILED.glob("tmpl_*.py"):
        old.unlink()
    loader = environment.loader
    assert loader is not None
    sources: dict[str, str] = {}
    for name in sorted(names):
        source, filename, _ = loader.get_source(environment, name)
        code = environment.compile(source, name, filename, raw=True)
        (COMPILED / ModuleLoader.get_module_filename(name)).write_text(
            f"# Generated from {name} by tests/test_shipped_templates.py: do not edit.\n" + code,
            encoding="utf-8")
        sources[name] = digest(source)
    MANIFEST.write_text(json.dumps({"shaping": shaping(), "templates": sources}, indent=1,
                                   sort_keys=True) + "\n", encoding="utf-8")
