"""Uploaded files on disk: one flat folder, names checked so no path leaves it."""
import re
from pathlib import Path

from django.conf import settings

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def is_safe_name(name: str) -> bool:
    return bool(SAFE_NAME.fullmatch(name)) and ".." not in name


def upload_path(name: str) -> Path:
    return Path(settings.UPLOAD_DIR) / name


def save(name: str, chunks) -> int:
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(folder / name, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            size += len(chunk)
    return size
