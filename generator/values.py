"""Facts shared by the programs (render, check, wizard): one definition each."""

from __future__ import annotations

import posixpath
import re

# B09: names that look like they hold a secret never go into ENV.
SECRET_NAME_RE = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY|AUTH)",
    re.IGNORECASE)
# Paths a service may never make writable: the system itself.
SYSTEM_DIRS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/root",
               "/sbin", "/sys", "/usr")


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
