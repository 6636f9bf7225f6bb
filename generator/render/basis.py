"""The record of the last render: `.tightship/rendered.json` next to the outputs.

It holds the exact text of every file tightship rendered there, so `tightship update` has the
base of its three-way merge (last render, the file on disk, this render) on any machine that
has the repository. It is meant to be committed. Each file's text is kept as a list of its
lines, so a change to the record reads line by line in a code review; the JSON is written
with sorted keys and fixed indentation, so the same render always gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.errors import UserError

RECORD_DIR = ".tightship"
RECORD_FILE = f"{RECORD_DIR}/rendered.json"
FORMAT = 1


def record_text(files: dict[str, str]) -> str:
    """The record of a render: {relative path: its lines}, byte-identical for the same files."""
    document = {
        "about": "the files tightship last rendered here: the base `tightship update` merges "
                 "from; commit it with them",
        "format": FORMAT,
        "files": {name: files[name].splitlines(keepends=True) for name in sorted(files)},
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_record(out_dir: Path) -> dict[str, str] | None:
    """The files of the last render in `out_dir`, or None when nothing was recorded there."""
    path = out_dir / RECORD_FILE
    if not path.exists():
        return None
    if path.is_symlink() or not path.is_file():
        raise UserError("is not a regular file; not reading it", file=str(path))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the record of the last render: {exc}",
                        file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"the record of the last render is not valid JSON ({exc.msg}); restore "
                        "it from version control, or delete it and run `tightship render "
                        "--force` to start again from the rendered files",
                        file=str(path), line=exc.lineno) from None
    files = document.get("files") if isinstance(document, dict) else None
    if (not isinstance(document, dict) or document.get("format") != FORMAT
            or not isinstance(files, dict)
            or not all(isinstance(lines, list) and all(isinstance(x, str) for x in lines)
                       for lines in files.values())):
        raise UserError(f"is not a tightship record of format {FORMAT}; restore it from "
                        "version control, or delete it and run `tightship render --force`",
                        file=str(path))
    return {str(name): "".join(lines) for name, lines in files.items()}
