"""Settings for build steps that never serve a request (collectstatic), so need no secret."""
from config.common import *  # noqa: F403

SECRET_KEY = "build-only-never-serves-requests"
