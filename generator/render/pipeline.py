"""The path of one service: answers + profile → Spec → rendered files (in memory)."""

from __future__ import annotations

from pathlib import Path

from generator.render.answers import load_answers
from generator.render.files import render_all
from generator.render.profiles import Profile, load_profile
from generator.render.spec import Spec, build_spec


def load_spec(answers_path: Path, profile: str | Profile, sets=()) -> tuple[Spec, Profile]:
    if isinstance(profile, str):
        profile = load_profile(profile)
    answers = load_answers(answers_path, sets)
    return build_spec(answers, profile), profile


def render_checked(spec: Spec, profile: Profile) -> dict[str, str]:
    """Every file for the Spec, held to `check`'s rules before anyone may write it."""
    files = render_all(spec, profile)
    self_check(files, profile)
    return files


def render_service(answers_path: Path, profile: str | Profile, sets=()) -> dict[str, str]:
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


def rule_findings(files: dict[str, str], profile: Profile) -> list:
    """The findings of `check`'s rules on files held in memory, less those suppressed."""
    from generator.check.checker import check_texts, profile_settings

    ctx, suppressions, _ = profile_settings(profile)
    return [f for f in check_texts(files, ctx, suppressions) if not f.suppressed]
