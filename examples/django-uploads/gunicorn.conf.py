"""gunicorn settings, read from the working folder at start-up."""
import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Load the app in the master first: a missing secret key stops gunicorn at once with
# Django's message instead of workers failing to boot one after another.
preload_app = True
# Worker heartbeat files go to the writable temp folder (the root filesystem is read-only).
worker_tmp_dir = os.environ.get("TMPDIR", "/tmp")
accesslog = "-"
errorlog = "-"
