"""Points the settings at a temporary secret file and upload folder, then starts Django."""
import os
import secrets
import tempfile
from pathlib import Path

import django
import pytest

_scratch = Path(tempfile.mkdtemp(prefix="django-uploads-test-"))
(_scratch / "secret").write_text(secrets.token_urlsafe(48))
os.environ["DJANGO_SECRET_KEY_FILE"] = str(_scratch / "secret")
os.environ["UPLOAD_DIR"] = str(_scratch / "uploads")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()


@pytest.fixture
def upload_dir() -> Path:
    return _scratch / "uploads"
