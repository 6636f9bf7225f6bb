"""TS-R04.3: a seccomp profile never allows the dangerous syscalls unconditionally."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, mapping, seq
from generator.check.model import SECCOMP, Context, Equivalents, Hit, Rule
from generator.check.rules.r04_seccomp_default import ALLOWING

# Calls that reach outside the container: mounts, namespaces, other processes' memory,
# kernel modules and programs, the host's clock, keyring, swap and power. Not the same list as
# profiles/seccomp/dangerous.yaml, on purpose: that one says what tightship's own groups never
# allow (it also keeps out io_uring, personality, sethostname, which Docker's default profile
# allows and a reviewed profile may too); this one says what a profile written by anyone must
# not allow unconditionally, and names 32-bit and retired calls a hand-written profile lists.
DANGEROUS = frozenset("""
mount umount umount2 fsopen fsconfig fsmount fspick move_mount open_tree mount_setattr
pivot_root chroot unshare setns ptrace process_vm_readv process_vm_writev pidfd_getfd kcmp
keyctl add_key request_key bpf perf_event_open init_module finit_module delete_module
create_module kexec_load kexec_file_load open_by_handle_at name_to_handle_at userfaultfd
reboot swapon swapoff acct quotactl clock_settime clock_adjtime settimeofday adjtimex stime
lookup_dcookie iopl ioperm vm86 vm86old uselib nfsservctl syslog
""".split())


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if str(doc.node.get("defaultAction")) in ALLOWING:
        return  # TS-R04.2 reports the profile as a whole
    for rule in seq(doc.node.get("syscalls")):
        rule = mapping(rule)
        if str(rule.get("action")) not in ALLOWING:
            continue
        if rule.get("args") or rule.get("includes") or rule.get("excludes"):
            continue  # conditional: on arguments, capabilities or kernel versions
        names = rule.get("names")
        if names is None and rule.get("name"):
            names = [rule.get("name")]
        for i, name in enumerate(seq(names)):
            if str(name) in DANGEROUS:
                yield at_item(rule.get("names"), i, f"{name} is allowed unconditionally")


RULE = Rule(
    id="TS-R04.3", severity="high", checklist="R04", kinds=(SECCOMP,),
    message="a dangerous syscall (mount, ptrace, bpf, unshare…) is allowed unconditionally",
    hint="remove it, or allow it only with argument filters (args) that make it harmless",
    check=check,
    bad='{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "mount"], '
        '"action": "SCMP_ACT_ALLOW"}]}\n',
    good='{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], '
         '"action": "SCMP_ACT_ALLOW"}]}\n',
    equivalents=Equivalents(cis="5.21"),
)
