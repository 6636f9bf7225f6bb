"""The path of one service: answers + profile → Spec → rendered files (in memory).

Files that passed the self-check before (the same bytes, the same profile values, the same
rules) are remembered in the cache folder, so a render that changes nothing does not load
the checker again; any other file is checked before it may be written.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from generator.errors import TightshipError
from generator.render.answers import Answers, load_answers
from generator.render.blame import Refused, blame_answer
from generator.render.disk_cache import pass_marker, remember_pass
from generator.render.files import render_all
from generator.render.profiles import Profile, load_profile
from generator.render.spec import Spec, build_spec


def load_spec(answers_path: Path, profile: str | Profile,
              sets: list[str] | tuple[str, ...] = ()) -> tuple[Spec, Profile]:
    if isinstance(profile, str):
        profile = load_profile(profile)
    answers = load_answers(answers_path, sets)
    return build_spec(answers, profile), profile


def render_checked(spec: Spec, profile: Profile) -> dict[str, str]:
    """Every file for the Spec, held to `check`'s rules before anyone may write it."""
    files = render_all(spec, profile)
    passed = _pass_marker(files, profile)
    try:
        if passed is None or not passed.exists():
            self_check(files, profile)
            remember_pass(passed)
        compile_check(files)
    except TightshipError as exc:
        from generator.check.checker import SelfCheckError

        if isinstance(exc, SelfCheckError) and spec.answers is not None:
            blame = blame_answer(exc, files, spec.answers,
                                 lambda answers, finding: _still_refused(answers, profile,
                                                                         finding))
            if blame is not None:
                raise blame from None
        raise
    return files


def render_service(answers_path: Path, profile: str | Profile,
                   sets: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    spec, profile = load_spec(answers_path, profile, sets)
    return render_checked(spec, profile)


def self_check(files: dict[str, str], profile: Profile) -> None:
    """Run `check`'s rules on what was rendered: never hand on a file the rules reject.

    Raises SelfCheckError (nothing is written) on any finding that is not suppressed by an
    inline comment with a reason or by the profile's `suppressions`.
    """
    from generator.check.checker import SelfCheckError

    findings = rule_findings(files, profile)
    if findings:
        raise SelfCheckError(findings)


def rule_findings(files: dict[str, str], profile: Profile) -> list[Any]:
    """The findings of `check`'s rules on files held in memory, less those suppressed."""
    from generator.check.checker import check_texts, profile_settings

    ctx, suppressions, _ = profile_settings(profile)
    return [f for f in check_texts(files, ctx, suppressions) if not f.suppressed]


def _pass_marker(files: dict[str, str], profile: Profile) -> Path | None:
    """Where a self-check pass of `files` under `profile` is remembered: named by the files,
    the profile's values (rule settings and suppressions) and the check package's modules
    (name, size, modification time), so a changed rule never reads an old pass."""
    try:
        settings = json.dumps(profile.data, sort_keys=True)
        rules = _check_modules()
    except (TypeError, ValueError, OSError):
        return None
    parts = [settings, rules]
    for name in sorted(files):
        parts += [name, files[name]]
    return pass_marker("self-check", *parts)


_CHECK = Path(__file__).resolve().parent.parent / "check"


@functools.cache
def _check_modules() -> str:
    """The check package's modules by name, size and modification time, read once per
    process (the rules a process runs are the ones it imported), with one stat each by
    os.walk (half the time of Path.rglob and two stats)."""
    found = []
    for folder, subfolders, names in os.walk(_CHECK, onerror=_raise):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                info = os.stat(path)
                found.append((os.path.relpath(path, _CHECK), info.st_size, info.st_mtime_ns))
    return json.dumps(sorted(found))


def _raise(error: OSError) -> None:
    raise error


def compile_check(files: dict[str, str]) -> None:
    """apparmor_parser compiles each rendered AppArmor profile (where it is installed): a
    profile the kernel's own parser would reject is a self-check refusal, never written."""
    from generator.render.apparmor_compile import compile_errors

    errors = compile_errors(files)
    if not errors:
        return
    from generator.check.checker import SelfCheckError
    from generator.check.model import Finding

    failures = [Finding(file=name, line=line, column=1, rule="TS-P01", severity="high",
                        message=f"apparmor_parser rejects it: {message}",
                        hint="the answers or the profile's AppArmor template produced it")
                for name, line, message in errors]
    raise SelfCheckError(failures)


def _still_refused(answers: Answers, profile: Profile, finding: Refused) -> bool:
    """Whether other answers still give a finding of `finding`'s rule in its file."""
    from generator.check.checker import SelfCheckError
    from generator.errors import UserError

    try:
        files = render_all(build_spec(answers, profile), profile)
        self_check(files, profile)
        compile_check(files)
    except SelfCheckError as exc:
        return any(f.file == finding.file and f.rule == finding.rule for f in exc.findings)
    except UserError:
        return True  # the trial answers are refused before rendering: no proof either way
    return False
