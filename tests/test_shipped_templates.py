"""The built-in templates ship compiled (generator/render/compiled/): the modules are what
compiling the templates gives now, a render uses them, and a template whose source differs from
what its module was compiled from is compiled from its source.

When a built-in template, jinja2 or template_bounds.py changes, write the modules anew with
`python tests/test_shipped_templates.py` and review the diff.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from cli_support import copy_example, run_cli

if __name__ == "__main__":  # run as a script: the repository's root is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.render import shipped_templates, templates
from generator.render.profiles import load_profile
from generator.render.shipped_templates import COMPILED, ShippedLoader, write_compiled
from generator.render.templates import template_env
from generator.resources import data_dir

BUILTIN = sorted(str(p.relative_to(data_dir("templates"))) for p in
                 data_dir("templates").rglob("*.j2"))


def _env():
    return template_env(load_profile("default"))


def _shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(COMPILED.glob("tmpl_*.py"))} | {
        "manifest.json": (COMPILED / "manifest.json").read_text(encoding="utf-8")}


def test_the_shipped_modules_are_what_the_templates_compile_to(tmp_path, monkeypatch):
    shipped = _shipped()
    copy = tmp_path / "compiled"
    shutil.copytree(COMPILED, copy)
    monkeypatch.setattr(shipped_templates, "COMPILED", copy)
    monkeypatch.setattr(shipped_templates, "MANIFEST", copy / "manifest.json")
    write_compiled(_env(), BUILTIN)
    fresh = {p.name: p.read_text(encoding="utf-8") for p in sorted(copy.glob("tmpl_*.py"))} | {
        "manifest.json": (copy / "manifest.json").read_text(encoding="utf-8")}
    assert fresh == shipped, "run `python tests/test_shipped_templates.py` and review the diff"


def test_every_built_in_template_comes_from_its_shipped_module():
    env = _env()
    for name in BUILTIN:
        template = env.get_template(name)
        assert Path(template.root_render_func.__code__.co_filename).parent == COMPILED, name
        assert Path(template.filename) == data_dir("templates") / name  # errors name the .j2


def test_an_edited_built_in_template_is_rendered_from_its_source(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(data_dir("templates"), folder)
    dockerignore = folder / "dockerignore.j2"
    dockerignore.write_text(dockerignore.read_text(encoding="utf-8") + "edited-by-hand\n",
                            encoding="utf-8")
    monkeypatch.setattr(templates, "data_dir", lambda name: folder)  # an installed copy, edited
    service = copy_example("python", tmp_path)
    result = run_cli("render", "--out", "out", cwd=service)
    assert result.code == 0, result.err
    assert (service / "out" / ".dockerignore").read_text().endswith("edited-by-hand\n")
    assert isinstance(templates.template_env(load_profile("default")).loader.loaders[0],
                      ShippedLoader)


if __name__ == "__main__":
    write_compiled(_env(), BUILTIN)
    print(f"wrote {len(BUILTIN)} modules and the manifest to {COMPILED}")
