"""The worker proves it is alive by touching a file; the health command reads its age."""
import time
from pathlib import Path


def beat(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{time.time():.0f}\n", encoding="utf-8")


def age_seconds(path: Path) -> float:
    return time.time() - path.stat().st_mtime
