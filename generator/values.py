"""Facts shared by the programs (render, check, wizard): one definition each."""

from __future__ import annotations

import re

# B09: names that look like they hold a secret never go into ENV.
SECRET_NAME_RE = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY|AUTH)",
    re.IGNORECASE)
# Paths a service may never make writable: the system itself.
SYSTEM_DIRS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/root",
               "/sbin", "/sys", "/usr")
