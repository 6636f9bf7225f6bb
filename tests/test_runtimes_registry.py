"""One definition per runtime: only generator/runtimes/ names a runtime, and a new runtime is
one new module there, which render, the schemas and the wizard then know."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

from generator.runtimes import NAMES, RUNTIMES

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "generator"
RUNTIMES_DIR = PACKAGE / "runtimes"


def named_runtimes(path: Path) -> list[str]:
    """Each string literal in a module that is exactly a runtime's name, as file:line: name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in NAMES:
            found.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}: {node.value}")
    return found


def json_strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in [k, *json_strings(v)]]
    if isinstance(data, list):
        return [s for v in data for s in json_strings(v)]
    return [data] if isinstance(data, str) else []


# Words that are spelled like a runtime but are not one, each with why.
NOT_A_RUNTIME = {
    # file name suffixes of sources, which `check` never reads as a Dockerfile
    ("generator/check/kinds.py", "go"), ("generator/check/kinds.py", "java"),
    # the `go` command, whose -insecure flag check reports in any RUN
    ("generator/check/rules/b05_signed_packages.py", "go"),
}


def test_no_module_outside_runtimes_names_a_runtime():
    places = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if RUNTIMES_DIR not in path.parents:
            places += named_runtimes(path)
    found = {(p.split(":")[0], p.rsplit(": ", 1)[1]) for p in places}
    assert found >= NOT_A_RUNTIME  # the search finds the known ones, so it reads the modules
    named = [p for p in places
             if (p.split(":")[0], p.rsplit(": ", 1)[1]) not in NOT_A_RUNTIME]
    assert named == []


def test_the_schemas_leave_the_list_of_runtimes_to_the_registry():
    schemas = sorted((PACKAGE / "schemas").glob("*.json"))
    assert len(schemas) >= 2, schemas  # answers and profile
    for path in schemas:
        strings = json_strings(json.loads(path.read_text(encoding="utf-8")))
        assert [s for s in strings if s in NAMES] == [], path.name


def test_the_templates_test_no_runtime_by_name():
    templates = sorted((REPO / "templates").rglob("*.j2"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert [n for n in NAMES if f"'{n}'" in text or f'"{n}"' in text] == [], path.name


def test_each_runtime_module_defines_the_runtime_it_is_named_after():
    modules = sorted(p.stem for p in RUNTIMES_DIR.glob("*.py")
                     if p.stem not in ("__init__", "project", "steps", "frameworks"))
    assert modules == sorted(RUNTIMES)
    assert NAMES == ("python", "node", "go", "java", "static", "generic")  # their `order`


RUBY = '''"""Ruby, as a test adds it: one module."""
from generator.runtimes import Runtime
from generator.runtimes.steps import ONLY_WHAT_RUNS, Step, copy_in


def final_copies(spec, build_workdir):
    return [Step(copy_in(src, chown=True), ONLY_WHAT_RUNS) for src in spec.sources]


RUNTIME = Runtime(name="ruby", order=70, built=False, final_copies=final_copies,
                  seccomp_groups=("shell",), markers=("Gemfile",), marker_rank=5,
                  asks=frozenset({"build.sources"}))
'''

PROFILE = """name: with-ruby
extends: default
runtimes:
  ruby:
    trixie: {run: debian-bookworm}
"""

ANSWERS = '''service: shop
runtime: ruby
build:
  sources: [app/]
command: [ruby, app/main.rb]
healthcheck:
  command: [ruby, -e, exit]
'''


def test_a_new_runtime_is_one_new_module(tmp_path):
    """A copy of the package plus runtimes/ruby.py renders a Ruby service; nothing else changed."""
    root = tmp_path / "tree"
    for folder in ("generator", "templates", "profiles"):
        # with the bytecode: each .pyc is used only while its module's size and time match
        shutil.copytree(REPO / folder, root / folder)
    (root / "generator" / "runtimes" / "ruby.py").write_text(RUBY, encoding="utf-8")
    project = tmp_path / "shop"
    (project / "app").mkdir(parents=True)
    (project / "app" / "main.rb").write_text("puts 'hi'\n", encoding="utf-8")
    (project / "Gemfile").write_text("source 'https://rubygems.org'\n", encoding="utf-8")
    (project / "tightship.yaml").write_text(ANSWERS, encoding="utf-8")
    (project / "profile.yaml").write_text(PROFILE, encoding="utf-8")

    code = ("import sys; from pathlib import Path; from generator.cli import main; "
            "from generator.wizard.detect import detect; "
            "print('detected', detect(Path('.')).runtime.value); "
            "sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, "render", "--profile", "profile.yaml",
                             "--out", "out"], cwd=project, capture_output=True, text=True,
                            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "detected ruby" in result.stdout
    dockerfile = (project / "out" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY --chown=0:0 app/ ./app/" in dockerfile
    assert 'CMD ["ruby", "app/main.rb"]' in dockerfile
    # The unchanged package refuses the runtime it does not know, at the answers' line.
    plain = subprocess.run([sys.executable, "-m", "generator", "render", "--profile",
                            "default", "--out", "out2"], cwd=project, capture_output=True,
                           text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
                           timeout=120)
    assert plain.returncode == 2
    assert "tightship.yaml:2: runtime:" in plain.stderr
    assert not (project / "out2").exists()
