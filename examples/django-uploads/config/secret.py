"""The secret key comes from a mounted file, never from the environment or the image."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_SECRET_KEY_FILE = "/run/secrets/django_secret_key"


def read_secret_key() -> str:
    path = Path(os.environ.get("DJANGO_SECRET_KEY_FILE", DEFAULT_SECRET_KEY_FILE))
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"cannot read the secret key from {path} (DJANGO_SECRET_KEY_FILE): {exc.strerror}"
        ) from None
    if len(key) < 32:
        raise ImproperlyConfigured(f"the secret key in {path} is shorter than 32 characters")
    return key
