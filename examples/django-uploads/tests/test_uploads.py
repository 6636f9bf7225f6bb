import os
import subprocess
import sys
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

PROJECT = Path(__file__).resolve().parent.parent


def test_healthz_answers_200():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_upload_lands_on_disk_and_downloads_back(upload_dir):
    client = Client()
    sent = SimpleUploadedFile("report.txt", b"quarterly numbers\n")
    response = client.post("/upload", {"file": sent})
    assert response.status_code == 201
    assert (upload_dir / "report.txt").read_bytes() == b"quarterly numbers\n"
    back = client.get("/uploads/report.txt")
    assert back.status_code == 200
    assert b"".join(back.streaming_content) == b"quarterly numbers\n"


def test_hidden_and_traversing_names_are_refused(upload_dir):
    sent = SimpleUploadedFile(".env", b"x")
    assert Client().post("/upload", {"file": sent}).status_code == 400
    assert not (upload_dir / ".env").exists()
    assert Client().get("/uploads/..%2Fsecret").status_code == 404


def test_server_settings_refuse_to_load_without_the_secret_file(tmp_path):
    env = dict(os.environ, DJANGO_SECRET_KEY_FILE=str(tmp_path / "missing"))
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert f"cannot read the secret key from {tmp_path / 'missing'}" in result.stderr
