"""A profile's templates run in a bounded sandbox: no code runs, no render hangs or explodes.

Each payload is an organisation's Dockerfile template override. The render must exit 2 with one
line naming the template file and line, write nothing, and the payload's side effect (a file
it tries to create) must not exist afterwards.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from cli_support import MINIMAL_ANSWERS, run_cli

ANSWERS = MINIMAL_ANSWERS


def _service(tmp_path: Path, template: str, name: str = "dockerfile/Dockerfile.j2") -> Path:
    folder = tmp_path / "svc"
    (folder / "app").mkdir(parents=True)
    (folder / "requirements.txt").write_text("flask\n")
    (folder / "tightship.yaml").write_text(ANSWERS)
    templates = tmp_path / "org-templates"
    (templates / name).parent.mkdir(parents=True, exist_ok=True)
    (templates / name).write_text(template)
    (tmp_path / "org.yaml").write_text("name: org\nextends: default\ntemplates: org-templates\n")
    return folder


def _render(tmp_path: Path, template: str, **kw):
    folder = _service(tmp_path, template, **kw)
    before = sorted(p.name for p in folder.iterdir())
    result = run_cli("render", "--profile", str(tmp_path / "org.yaml"), cwd=folder)
    after = sorted(p.name for p in folder.iterdir())
    return result, before, after


def _refused(result, before, after, file_part: str, line: int | None) -> str:
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    where = re.escape(file_part) + (f":{line}:" if line else ":")
    assert re.search(where, lines[0]), lines[0]
    assert after == before  # nothing written
    assert "Traceback" not in result.err
    return lines[0]


def _marker(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


# Ways out of jinja2's plain environment into os / subprocess; each would create the marker.
ESCAPES = [
    "{{ lipsum.__globals__['os'].system('touch MARK') }}",
    "{{ lipsum.__globals__.os.popen('touch MARK').read() }}",
    "{{ cycler.__init__.__globals__.os.system('touch MARK') }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARK') }}",
    "{{ namespace.__init__.__globals__.os.system('touch MARK') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
    "{% if c.__name__ == 'Popen' %}{{ c(['touch', 'MARK']) }}{% endif %}{% endfor %}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARK') }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch MARK') }}",
    "{{ spec.__class__.__init__.__globals__['posixpath'].os.system('touch MARK') }}",
    "{{ range.__globals__ }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ request.application.__globals__ }}",
    "{{ config.__class__.__init__.__globals__['os'].popen('touch MARK') }}",
    "{{ spec.__reduce_ex__(2) }}",
    "{{ (lipsum|attr('__globals__'))['os'].system('touch MARK') }}",
    "{{ ('_' * 2 ~ 'globals' ~ '_' * 2) | string }}{{ lipsum | attr('_' * 2 ~ 'globals' ~ "
    "'_' * 2) }}",
    "{% set x = cycler.__init__ %}{{ x.__globals__.os.system('touch MARK') }}",
    "{{ ''.format.__self__.__class__.__mro__ }}",
    "{{ '{0.__class__.__mro__}'.format('') }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_template_cannot_reach_python(tmp_path, payload):
    marker = _marker(tmp_path)
    template = "FROM scratch\n\n" + payload.replace("MARK", str(marker)) + "\n"
    result, before, after = _render(tmp_path, template)
    assert not marker.exists()
    line = _refused(result, before, after, "org-templates/dockerfile/Dockerfile.j2", 3)
    assert re.search(r"template (error|refused)", line), line


# Bounds: each must end quickly with a clear error, never a hang or a MemoryError.
BOMBS = [
    ("range", "{% for i in range(10**10) %}x{% endfor %}", "range|argument"),
    ("range-literal", "{% for i in range(10000000000) %}x{% endfor %}", "range|argument"),
    ("repeat", "{{ 'x' * 10**10 }}", "longer than"),
    ("repeat-left", "{{ 10**10 * 'x' }}", "longer than"),
    ("list-repeat", "{{ [1] * 10**10 }}", "longer than"),
    ("power", "{{ 2 ** 100000 }}", "integer"),
    ("power-nested", "{{ 10 ** (10 ** 10) }}", "integer"),
    ("power-loop", "{% set ns = namespace(v=7) %}{% for i in range(40) %}"
                   "{% set ns.v = ns.v * ns.v %}{% endfor %}{{ ns.v }}", "integer"),
    ("concat-doubling", "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
                        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "longer than"),
    ("plus-doubling", "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
                      "{% set ns.s = ns.s + ns.s %}{% endfor %}", "longer than"),
    ("percent-width", "{{ '%0999999999d' % 1 }}", "format field"),
    ("format-method", "{{ '{:>9999999999}'.format(1) }}", "format field"),
    ("format-filter", "{{ '%*d'|format(10**9, 1) }}", "argument"),
    ("center-filter", "{{ 'x'|center(10**10) }}", "argument"),
    ("indent-filter", "{{ 'x'|indent(10**10) }}", "argument"),
    ("ljust-method", "{{ 'x'.ljust(10**10) }}", "argument"),
    ("output-size", "{% for i in range(100000) %}{{ 'y' * 100 }}{% endfor %}", "output passed"),
    ("nested-loops", "{% for i in range(100000) %}{% for j in range(100000) %}"
                     "{% endfor %}{% endfor %}", "CPU time"),
    ("busy-loop-no-hooks", "{% for i in range(100000) %}{% for j in 'x' * 100000 %}"
                           "{% endfor %}{% endfor %}", "CPU time"),
]


# The time bound as a CI operator would lower it: a runaway loop meets it in a quarter second,
# not the default five (test_the_default_time_bound_is_five_seconds waits that out once).
FAST_BOUND = "0.25"


@pytest.mark.parametrize("case,template,words", BOMBS, ids=[b[0] for b in BOMBS])
def test_template_bounds(tmp_path, monkeypatch, case, template, words):
    monkeypatch.setenv("TIGHTSHIP_TEMPLATE_SECONDS", FAST_BOUND)
    started = time.process_time()
    result, before, after = _render(tmp_path, "FROM scratch\n" + template + "\n")
    line = _refused(result, before, after, "org-templates/dockerfile/Dockerfile.j2", 2)
    assert re.search(words, line), line
    assert "template refused" in line
    if words == "CPU time":
        assert f"more than {FAST_BOUND} seconds of CPU time" in line
    assert time.process_time() - started < 10  # it ended, quickly


@pytest.mark.slow  # waits out the default bound: 5 seconds of CPU
def test_the_default_time_bound_is_five_seconds(tmp_path, monkeypatch):
    monkeypatch.delenv("TIGHTSHIP_TEMPLATE_SECONDS", raising=False)
    case = dict((b[0], b[1]) for b in BOMBS)["busy-loop-no-hooks"]
    result, before, after = _render(tmp_path, "FROM scratch\n" + case + "\n")
    line = _refused(result, before, after, "org-templates/dockerfile/Dockerfile.j2", 2)
    assert "template refused: rendering took more than 5 seconds of CPU time" in line


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf", "1e9"])
def test_a_bad_time_bound_is_one_line_exit_2(tmp_path, monkeypatch, value):
    monkeypatch.setenv("TIGHTSHIP_TEMPLATE_SECONDS", value)
    result, before, after = _render(tmp_path, "FROM scratch\n")
    assert result.code == 2, result.err
    assert result.err.strip() == (
        "tightship: error: TIGHTSHIP_TEMPLATE_SECONDS: must be a number of seconds above 0 and at most 3600, "
        f"not {value!r}")
    assert after == before


MISTAKES = [
    ("undefined", "FROM scratch\n\n{{ nothing_here }}\n", 3, "'nothing_here' is undefined"),
    ("undefined-attr", "FROM scratch\n{{ spec.no_such_field }}\n", 2, "no_such_field"),
    ("syntax", "FROM scratch\n{% for x in %}\n", 2, "template syntax error"),
    ("unclosed", "FROM scratch\n{% if true %}\nx\n", 3, "template syntax error"),
    ("missing-include", "FROM scratch\n\n\n{% include 'nowhere.j2' %}\n", 4, "nowhere.j2"),
    ("bad-filter", "FROM scratch\n{{ 'x'|no_such_filter }}\n", 2, "no_such_filter"),
    ("division", "FROM scratch\n{{ 1 // 0 }}\n", 2, "ZeroDivisionError"),
    ("mutate-list", "FROM scratch\n{% set l = [1] %}{{ l.append(2) }}\n", 2, "unsafe|not safely"),
]


@pytest.mark.parametrize("case,template,line,words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_template_mistakes_name_file_and_line(tmp_path, case, template, line, words):
    result, before, after = _render(tmp_path, template)
    shown = _refused(result, before, after, "org-templates/dockerfile/Dockerfile.j2", line)
    assert re.search(words, shown), shown


def test_mistake_in_an_included_template_names_that_file(tmp_path):
    folder = _service(tmp_path, "FROM scratch\n{% include 'dockerfile/part.j2' %}\n")
    (tmp_path / "org-templates" / "dockerfile" / "part.j2").write_text("ok\n\n{{ oops }}\n")
    result = run_cli("render", "--profile", str(tmp_path / "org.yaml"), cwd=folder)
    assert result.code == 2
    assert re.search(r"org-templates/dockerfile/part\.j2:3: template error: 'oops' is "
                     "undefined", result.err), result.err


def test_builtin_templates_render_in_the_sandbox(tmp_path):
    """The built-in templates work unchanged under the sandbox (the corpus tests check bytes)."""
    folder = _service(tmp_path, "FROM scratch\n", name="unused.j2")
    result = run_cli("render", "--profile", str(tmp_path / "org.yaml"), cwd=folder)
    assert result.code == 0, result.err
    assert (folder / "Dockerfile").read_text().startswith("# ")
