"""The path of one service: answers + profile → Spec → rendered files (in memory)."""

from __future__ import annotations

from pathlib import Path

from generator.answers import load_answers
from generator.profiles import Profile, load_profile
from generator.render import render_all
from generator.spec import Spec, build_spec


def load_spec(answers_path: Path, profile: str | Profile, sets=()) -> tuple[Spec, Profile]:
    if isinstance(profile, str):
        profile = load_profile(profile)
    answers = load_answers(answers_path, sets)
    return build_spec(answers, profile), profile


def render_service(answers_path: Path, profile: str | Profile, sets=()) -> dict[str, str]:
    spec, profile = load_spec(answers_path, profile, sets)
    return render_all(spec, profile)
