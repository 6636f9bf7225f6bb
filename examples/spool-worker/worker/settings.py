"""Start-up settings from the environment; the database password from its mounted file."""
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PASSWORD_FILE = "/run/secrets/db_password"


class SettingsError(Exception):
    """A setting the worker cannot start without; the message is the one line it prints."""


@dataclass(frozen=True)
class Settings:
    spool_dir: Path
    results_dir: Path
    heartbeat_file: Path
    poll_seconds: float
    db_password: str

    @classmethod
    def from_environment(cls) -> "Settings":
        spool = Path(os.environ.get("SPOOL_DIR", "/var/spool/worker"))
        return cls(
            spool_dir=spool,
            results_dir=Path(os.environ.get("RESULTS_DIR", str(spool / "results"))),
            heartbeat_file=heartbeat_file(),
            poll_seconds=float(os.environ.get("POLL_SECONDS", "1")),
            db_password=read_password(Path(os.environ.get("DB_PASSWORD_FILE", DEFAULT_PASSWORD_FILE))),
        )


def heartbeat_file() -> Path:
    return Path(os.environ.get("HEARTBEAT_FILE", "/tmp/worker-heartbeat"))


def read_password(path: Path) -> str:
    try:
        password = path.read_text(encoding="utf-8").rstrip("\n")
    except OSError as exc:
        raise SettingsError(f"cannot read the database password from {path} "
                            f"(DB_PASSWORD_FILE): {exc.strerror}") from None
    if not password:
        raise SettingsError(f"the database password file {path} is empty")
    return password
