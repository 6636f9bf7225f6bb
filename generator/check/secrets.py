"""What looks like a secret, for TS-B09 (ENV/ARG) and TS-R13 (compose, Kubernetes env,
ConfigMaps): by its name, by its value, and what only points at one.

Names match the generator's own refusal of secret-looking `env` answers (SECRET_NAME_RE),
plus credentials whose well-known names that pattern misses (AWS_ACCESS_KEY_ID,
AZURE_BATCH_KEY, OCI_CLI_KEY_CONTENT…). Names ending in _FILE, _PATH, _DIR, _ID or _NAME point
at a secret and pass, unless they are such a well-known credential. A value holding a private
key or an AWS access key is a secret whatever its name; a value that is the path of a mounted
secret file (/run/secrets/…) is the recommended pattern and passes.
"""

from __future__ import annotations

import re

from generator.values import CREDENTIAL_NAME_RE, SECRET_NAME_RE

POINTERS = re.compile(r"_(FILE|PATH|DIR|URL_FILE|ID|NAME)$", re.IGNORECASE)
SECRET_VALUE = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|PRIVATE KEY-----|"
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}")
SECRET_FILE_DIRS = ("/run/secrets/", "/var/run/secrets/", "/etc/secrets/", "/secrets/",
                    "/mnt/secrets/")


def secret_name(name: str) -> bool:
    name = str(name)
    if CREDENTIAL_NAME_RE.search(name):
        return True
    return bool(SECRET_NAME_RE.search(name)) and not POINTERS.search(name)


def secret_value(value: object) -> bool:
    """A value that is a secret whatever its name (a private key, an access key id)."""
    return bool(SECRET_VALUE.search(str(value)))


def points_to_file(value: object) -> bool:
    """The path of a mounted secret file: the secret stays out of the manifest."""
    text = str(value).strip().strip("'\"")
    return text.startswith(SECRET_FILE_DIRS) and not re.search(r"\s", text)


def literal_secret(name: object, value: object) -> bool:
    """A name/value pair that writes a secret into the file."""
    if value is None or str(value).strip() == "":
        return False
    if secret_value(value):
        return True
    return secret_name(str(name)) and not points_to_file(value)
