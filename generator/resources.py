"""Where the bundled profiles and templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled folder `name` (profiles, templates): inside the wheel, else the checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


SCHEMA_DIR = _PACKAGE / "schemas"

# Where `tightship new` and `tightship schema --out` put a copy of the installed schema, and
# what the answers file's `# yaml-language-server: $schema=` comment names (relative to it).
SCHEMA_COPY = {"answers": ".tightship/answers.schema.json",
               "profile": ".tightship/profile.schema.json"}


def schema_text(name: str) -> str:
    """The installed `name` schema (answers, profile), byte for byte."""
    return (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
