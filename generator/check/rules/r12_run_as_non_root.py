"""TS-R12: runs as a non-root UID (compose `user:`; Kubernetes runAsNonRoot + runAsUser)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, at_value, is_true
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            user = w.node.get("user")
            if user is None:
                yield w.here(f"{w.name} sets no user: it runs as the image's user, often root")
            elif str(user).split(":")[0].strip() in ("0", "root", ""):
                yield at_value(w.node, "user", f"{w.name} runs as root (user: {user})")
            elif not re.fullmatch(r"\d+(:\d+)?", str(user).strip()):
                yield at_value(w.node, "user", f"{w.name} user {user} is a name, not a UID")
            continue
        non_root, where = w.effective("runAsNonRoot")
        uid, uid_where = w.effective("runAsUser")
        number = as_int(uid)
        if number == 0:
            yield at_key(uid_where, "runAsUser", f"{w.name} runs as UID 0")
        elif number is not None or is_true(non_root):
            continue  # a non-zero UID cannot be root; runAsNonRoot makes the kubelet refuse it
        elif where is not None:
            yield at_key(where, "runAsNonRoot", f"{w.name} does not require a non-root user")
        else:
            yield w.here(f"{w.name} sets neither runAsNonRoot: true nor a non-zero runAsUser")


def as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


RULE = Rule(
    id="TS-R12", severity="high", checklist="R12", kinds=(COMPOSE, KUBERNETES),
    message="the container may run as root (no non-root user set)",
    hint="compose: user: \"10001:10001\"; Kubernetes: runAsNonRoot: true and runAsUser: 10001",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    user: root\n",
    good="services:\n  app:\n    image: app:1\n    user: \"10001:10001\"\n",
    equivalents=Equivalents(cis="4.1 (at run time)", pss="restricted: Running as Non-root, "
                            "Running as Non-root user", checkov="CKV_K8S_23, CKV_K8S_40"),
    doc="On Kubernetes either setting is enough, as in the Pod Security Standard restricted: "
        "runAsNonRoot: true (the kubelet refuses to start an image whose user is root) or a "
        "numeric runAsUser other than 0, on the container or the pod.",
)
