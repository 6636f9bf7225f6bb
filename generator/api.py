"""The Python API, for tooling that embeds tightship: render a service's files, check files.

    from generator import api
    files = api.render("services/web/tightship.yaml")           # {relative path: text}
    api.render("services/web/tightship.yaml", out="build/web")  # also writes them
    findings = api.check(["services/web"])                      # [Finding(...)] sorted

Bad input raises `generator.errors.UserError`, a conflict `ConflictError` (both `TightshipError`;
their `str()` is the line the CLI prints).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.check.model import Finding


def render(answers: str | Path, out: str | Path | None = None, profile: str = "default",
           sets: Sequence[str] = (), force: bool = False) -> dict[str, str]:
    """The self-checked files for an answers file and a profile (a built-in name or a path).

    With `out`, they are also written there as `tightship render` writes them: all or nothing,
    and a file that differs (a conflict) is replaced only with `force`."""
    from generator.render.pipeline import load_spec, render_checked

    spec, loaded = load_spec(Path(answers), profile, list(sets))
    files = render_checked(spec, loaded)
    if out is not None:
        from generator.render.writer import plan, record_plan, refuse_overwrites, write

        planned = plan(files, Path(out))
        if not force:
            refuse_overwrites(planned)
        record = record_plan(files, Path(out))
        write([*planned, record], force=force, may_replace=frozenset({record.path}))
    return files


def check(paths: Sequence[str | Path], profile: str = "default") -> list[Finding]:
    """What `tightship check` finds in these files and folders, suppressed ones included."""
    from generator.check.checker import check_paths, profile_settings, sort_findings
    from generator.render.profiles import load_profile

    settings, suppressions, bad_entries = profile_settings(load_profile(profile))
    findings, _ = check_paths(list(paths), settings, suppressions)
    return sort_findings([*findings, *bad_entries])
