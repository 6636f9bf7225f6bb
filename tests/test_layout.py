"""The package's shape: programs in subpackages, one direction of dependency between them.

check imports nothing from the other programs; render uses check only for its self-check;
wizard and engine build on render; only cli ties them together. runtimes (one module per
runtime) is a layer render, wizard, engine and cli share; it imports no program. The shared
modules at the top of the package import no program at all.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
SHARED = "shared"
# program -> the programs it may import (besides itself and the shared modules)
ALLOWED = {
    SHARED: set(),
    "runtimes": set(),
    "check": set(),
    "render": {"check", "runtimes"},
    "wizard": {"render", "check", "runtimes"},
    "engine": {"render", "check", "runtimes"},
    "api": {"render", "check", "runtimes"},
    "cli": {"render", "check", "wizard", "engine", "runtimes"},
}
# the only render modules that may reach into check (the self-check)
RENDER_USES_CHECK = {"generator/render/pipeline.py"}


def program_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ALLOWED:
        return parts[1]
    return "cli" if parts[1:2] in (["cli"], ["__main__"]) else SHARED


@functools.cache
def import_nodes(path: Path) -> tuple[ast.Import | ast.ImportFrom, ...]:
    """The file's import statements, at any depth (each file is parsed once per run)."""
    return tuple(node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, (ast.Import, ast.ImportFrom)))


def imports(path: Path) -> list[str]:
    """Every `generator.*` module a file imports, at any depth (lazy imports count too)."""
    found = []
    for node in import_nodes(path):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator":
                found += [f"generator.{a.name}" for a in node.names]
            elif node.module.startswith("generator."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("generator.")]
    return found


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_programs_import_only_in_one_direction():
    wrong = []
    read = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        read += 1
        me = program_of(module_name(path))
        rel = path.relative_to(PACKAGE.parent).as_posix()
        for target in imports(path):
            other = program_of(target)
            if other in (me, SHARED) or target == "generator":
                continue
            if other not in ALLOWED[me] or (me == "render" and other == "check"
                                            and rel not in RENDER_USES_CHECK):
                wrong.append(f"{rel} ({me}) imports {target} ({other})")
    assert read > 100  # the package is all there
    assert wrong == []


def test_check_rules_folder_holds_only_rules():
    """rules/ has one module per rule; the model and helpers live beside it in check/."""
    rules = PACKAGE / "check" / "rules"
    names = sorted(p.stem for p in rules.glob("*.py"))
    helpers = [n for n in names if n not in ("__init__", "meta")
               and not (len(n) > 3 and n[0] in "bhprs" and n[1:3].isdigit() and n[3] == "_")]
    assert helpers == []
    assert len(names) > 50  # the rules themselves are there


def test_every_subpackage_says_what_it_is():
    inits = sorted(PACKAGE.rglob("__init__.py"))
    assert len(inits) >= 8, inits  # generator and its programs
    for init in inits:
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{init.relative_to(PACKAGE.parent)} has no docstring"


@functools.cache
def _package_modules() -> frozenset[str]:
    return frozenset(module_name(p) for p in PACKAGE.rglob("*.py"))


def resolved(path: Path) -> set[str]:
    """The modules a file imports, `from generator.x import y` naming generator.x.y when y is a
    module. Every import counts: lazy ones and those under `if TYPE_CHECKING:` too."""
    known = _package_modules()
    found: set[str] = set()
    for node in import_nodes(path):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "generator":
                continue
            subs = {f"{node.module}.{a.name}" for a in node.names} & known
            found |= subs or {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "generator"}
    return found & known


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (as a path that ends where it starts), or [] when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_cycle_finder_finds_a_cycle_through_a_type_checking_import(tmp_path):
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    source = tmp_path / "m.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from generator.render.spec import Spec\n", encoding="utf-8")
    assert resolved(source) == {"generator.render.spec"}


def test_no_import_cycles():
    graph = {module_name(p): resolved(p) - {module_name(p)} for p in PACKAGE.rglob("*.py")}
    assert len(graph) > 100 and sum(map(len, graph.values())) > 300  # the graph is all there
    assert cycle_in(graph) == []
