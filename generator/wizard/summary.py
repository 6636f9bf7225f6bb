"""The summary the wizard shows before it writes anything: the answers file, one line per
hardening decision the answers led to, and each file's fate on disk."""

from __future__ import annotations

from generator.render import writer
from generator.render.spec import Spec
from generator.render.writer import CREATE, IDENTICAL
from generator.wizard.answers_file import ANSWERS_FILE, kept_keys
from generator.wizard.model import HEALTH_KIND, Question, QuestionContext
from generator.wizard.preview import Prepared

STATUS_WORDS = {CREATE: "create", IDENTICAL: "identical", writer.CONFLICT: "conflict"}


def summary_lines(ready: Prepared, ctx: QuestionContext) -> list[str]:
    """The summary, line by line, for the answers in `ctx` and what they would write."""
    lines = ["", f"Summary: {ANSWERS_FILE}"]
    lines += [f"  {line}" for line in ready.text.splitlines() if not line.startswith("#")]
    kept = kept_keys(ctx)
    if kept:
        lines.append(f"  (kept from the existing {ANSWERS_FILE}, not asked: {', '.join(kept)})")
    lines += ["", "What the files do:"]
    lines += [f"  - {line}" for line in hardening_notes(ready.spec)]
    lines += ["", f"Files in {ctx.root}:"]
    for item in ready.planned:
        if item.relative in ready.merged:
            word, note = ready.merged[item.relative]
            lines.append(f"  {word:<9}  {item.relative}  ({note})")
            continue
        note = ""
        if item.status == writer.CONFLICT:
            why = ready.notes.get(item.relative, "differs from what would be written")
            note = f"  ({why})"
        lines.append(f"  {STATUS_WORDS[item.status]:<9}  {item.relative}{note}")
    return lines


def label(q: Question) -> str:
    return "health check" if q.key == HEALTH_KIND else q.key


def hardening_notes(spec: Spec) -> list[str]:
    """One line per hardening decision the answers led to, for the summary."""
    notes = []
    if spec.build_image is not None and spec.build_image.key == spec.run_image.key:
        notes.append(f"builds and runs on {spec.run_image.ref.written}, pinned by digest "
                     "(B01, B02); the final stage gets only what runs (B06)")
    elif spec.build_image is not None:
        notes.append(f"builds on {spec.build_image.ref.written} and runs on "
                     f"{spec.run_image.ref.written}, both pinned by digest (B01, B02); the "
                     "build tools stay behind (B06)")
    else:
        notes.append(f"runs on {spec.run_image.ref.written}, pinned by digest (B01, B02)")
    if not spec.run_image.shell:
        notes.append("the final image has no shell and no package manager")
    notes.append(f"runs as {spec.user.uid}:{spec.user.gid}, not root; its files are "
                 "root-owned, so it cannot rewrite its own code (B03)")
    if spec.writable:
        notes.append("the root filesystem is read-only; writable, as noexec tmpfs: "
                     + ", ".join(spec.writable) + " (R06)")
    else:
        notes.append("the root filesystem is read-only and nothing is writable (R06)")
    for volume in spec.volumes:
        notes.append(f"{volume.path} is the persistent volume {volume.name} "
                     f"({'read-only, ' if volume.read_only else ''}a named volume under "
                     "compose, a PersistentVolumeClaim on Kubernetes), owned by the service")
    if spec.port_start is not None:
        notes.append(f"port {spec.port_start} binds as non-root through the namespaced sysctl "
                     "net.ipv4.ip_unprivileged_port_start, with no capability")
    if spec.capabilities:
        notes.append("all capabilities dropped, added back: " + "; ".join(
            f"{cap} ({reason})" for cap, reason in spec.capabilities) + " (R02)")
    else:
        notes.append("all capabilities dropped, none added back; no new privileges (R02, R03)")
    published = spec.run.publish
    if spec.ports:
        where = (", ".join(f"{c} on {spec.run.host_address}:{h}" for c, h in published)
                 if published else "none on the host")
        notes.append(f"listens on {', '.join(map(str, spec.ports))}; published: {where} (R10)")
    h = spec.healthcheck
    probe = (f"GET {h.http_path} on port {h.port}" if h.http_path
             else "runs " + " ".join(h.command or ()))
    notes.append(f"health check {probe}, every {h.interval} (B07)")
    if spec.secrets:
        notes.append("secrets mounted read-only at run time: " + ", ".join(
            f"/run/secrets/{s}" for s in spec.secrets) + " (R13)")
    limits = spec.limits
    notes.append(f"limits: memory {limits.memory}, cpus {limits.cpus}, pids {limits.pids} "
                 "(R07)")
    notes.append(f"seccomp allows {spec.confinement.syscall_count} syscalls, the rest fail "
                 "with EPERM (R04); an AppArmor profile confines files (R05)")
    return notes

