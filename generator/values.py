"""Facts shared by the programs (render, check, wizard): one definition each."""

from __future__ import annotations

import posixpath
import re

# B09: names that look like they hold a secret never go into ENV.
SECRET_NAME_RE = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY|AUTH)",
    re.IGNORECASE)
# Credentials whose well-known names SECRET_NAME_RE misses (AWS_ACCESS_KEY_ID ends in _ID,
# which elsewhere points at a secret rather than holds one).
CREDENTIAL_NAME_RE = re.compile(
    r"^(AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN|AWS_SECRET_ACCESS_KEY|ALIBABA_CLOUD_ACCESS_KEY_ID|"
    r"ARM_CLIENT_SECRET|GOOGLE_API_KEY|HEROKU_API_KEY|DIGITALOCEAN_ACCESS_TOKEN|VAULT_TOKEN|"
    r"CONSUL_HTTP_TOKEN|NOMAD_TOKEN)$"
    r"|(^|_)(KEY_CONTENT|KEY_MATERIAL|PASSPHRASE|CONNECTION_STRING|CONN_STR|SAS_TOKEN|"
    r"ACCOUNT_KEY|STORAGE_KEY|BATCH_KEY|MASTER_KEY|SIGNING_KEY|ENCRYPTION_KEY|SHARED_KEY|"
    r"CLIENT_SECRET|WEBHOOK_URL|DSN|PGPASSWORD|HTPASSWD)$|(^|_)BEARER(_|$)",
    re.IGNORECASE)


def looks_secret(name: str) -> bool:
    """B09: a name the generator never puts into ENV (check is finer: see check/secrets.py)."""
    return bool(SECRET_NAME_RE.search(name) or CREDENTIAL_NAME_RE.search(name))


# Paths a service may never make writable: the system itself.
SYSTEM_DIRS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/root",
               "/sbin", "/sys", "/usr")
# The kernel's first unprivileged port; below it a non-root process needs the sysctl lowered.
UNPRIVILEGED_PORT_START = 1024
PORT_START_SYSCTL = "net.ipv4.ip_unprivileged_port_start"
# Where compose and Kubernetes mount run-time secrets: one file per secret name.
SECRETS_DIR = "/run/secrets"


def secret_file_env(key: str, value: object) -> str | None:
    """A `*_FILE` variable's secret name (the convention for a secret's location), or None.

    `DJANGO_SECRET_KEY_FILE: /run/secrets/django_secret_key` names secret `django_secret_key`;
    the caller checks that it is declared.
    """
    if not key.endswith("_FILE") or not isinstance(value, str):
        return None
    prefix = SECRETS_DIR + "/"
    return value[len(prefix):] if value.startswith(prefix) else ""


def normal_path(path: str) -> str:
    """The one spelling of an absolute path every check and output uses.

    POSIX `normpath` keeps a leading `//` (implementation-defined there, plain `/` on Linux),
    so `//usr/lib` would slip past a prefix check for `/usr`; here it becomes `/usr/lib`.
    """
    normal = posixpath.normpath(path)
    if normal.startswith("//"):
        normal = "/" + normal.lstrip("/")
    return normal


def system_path(path: str) -> bool:
    """The root itself, or a system folder or anything inside one (never writable)."""
    normal = normal_path(path)
    return normal == "/" or any(normal == d or normal.startswith(d + "/") for d in SYSTEM_DIRS)
