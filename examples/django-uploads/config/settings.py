"""Settings for the running server: refuses to load without the secret key file."""
from config.common import *  # noqa: F403
from config.secret import read_secret_key

SECRET_KEY = read_secret_key()
