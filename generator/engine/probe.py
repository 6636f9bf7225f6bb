"""What `verify` runs inside the container to prove a property from the service's own seat.

Every image gets the proofs, whatever it ships: a statically linked busybox from the host,
mounted read-only, serves any image (distroless included); without one, the image's python3,
then its /bin/sh (with util-linux `unshare` when present). Each probe runs as the service's UID.
"""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

# Where the host's static busybox is mounted in the container (read-only, outside the app).
MOUNT_POINT = "/.tightship-probe/busybox"
PROBE_FILE = ".tightship-write-probe"
CLONE_NEWUSER = 0x10000000
_PT_INTERP = 3
# unshare(CLONE_NEWUSER) must fail with EPERM (errno 1): the seccomp filter refuses it.
_PY_UNSHARE = ("import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); "
               f"rc = libc.unshare({CLONE_NEWUSER}); "
               "sys.exit(0 if rc == -1 and ctypes.get_errno() == 1 else 1)")
_PY_WRITE = ("import os, sys; p = os.path.join(sys.argv[1], '" + PROBE_FILE + "'); "
             "open(p, 'w').write('probe'); os.remove(p)")
_SH_WRITE = f'echo probe > "$1/{PROBE_FILE}" && rm "$1/{PROBE_FILE}"'
# A refused unshare prints "Operation not permitted"; any other failure is not the proof.
_SH_UNSHARE = ('out=$({unshare} -U true 2>&1); rc=$?; '
               'test $rc -ne 0 && case "$out" in *"not permitted"*) exit 0;; esac; exit 1')


@dataclass(frozen=True)
class Probe:
    kind: str  # "busybox" | "python3" | "sh"
    mounts: dict[str, dict[str, str]]  # Docker SDK `volumes` to add to the container

    def write(self, path: str) -> list[str]:
        """argv that writes (then removes) a file in `path`; exit 0 when it could."""
        if self.kind == "python3":
            return ["python3", "-c", _PY_WRITE, path]
        return [*self._sh(), "-c", _SH_WRITE, "sh", path]

    def unshare(self) -> list[str] | None:
        """argv that exits 0 only if unshare(CLONE_NEWUSER) fails with EPERM."""
        if self.kind == "python3":
            return ["python3", "-c", _PY_UNSHARE]
        unshare = f"{MOUNT_POINT} unshare" if self.kind == "busybox" else "unshare"
        return [*self._sh(), "-c", _SH_UNSHARE.format(unshare=unshare)]

    def _sh(self) -> list[str]:
        return [MOUNT_POINT, "sh"] if self.kind == "busybox" else ["/bin/sh"]


def static_busybox() -> Path | None:
    """The host's busybox if it is statically linked (runs in any image), else None."""
    found = shutil.which("busybox") or "/bin/busybox"
    path = Path(found)
    try:
        return path.resolve() if _is_static_elf(path.read_bytes()[:4096]) else None
    except OSError:
        return None


def _is_static_elf(head: bytes) -> bool:
    """A 64-bit little-endian ELF with no program interpreter (PT_INTERP) is static."""
    if len(head) < 64 or head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
        return False
    phoff, = struct.unpack_from("<Q", head, 32)
    phentsize, phnum = struct.unpack_from("<HH", head, 54)
    for i in range(phnum):
        start = phoff + i * phentsize
        if start + 4 > len(head):
            return False
        if struct.unpack_from("<I", head, start)[0] == _PT_INTERP:
            return False
    return True


def choose(*, has_python: bool, has_shell: bool) -> tuple[Probe | None, str]:
    """The probe for this image, and a line saying which (or why none)."""
    busybox = static_busybox()
    if busybox is not None:
        return (Probe("busybox", {str(busybox): {"bind": MOUNT_POINT, "mode": "ro"}}),
                f"the host's static busybox, mounted read-only at {MOUNT_POINT}")
    if has_python:
        return Probe("python3", {}), "the image's python3"
    if has_shell:
        return Probe("sh", {}), "the image's /bin/sh"
    return None, ("no shell or python in the image and no static busybox on the host to "
                  "probe with (apt-get install busybox-static)")
