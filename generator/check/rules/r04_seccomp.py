"""TS-R04: a seccomp profile always applies; never unconfined."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, at_value, get, mapping, pod_metadata
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import security_opt_hit, security_opts, workloads

LEGACY = "seccomp.security.alpha.kubernetes.io/pod"
LEGACY_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family == COMPOSE:
        for w in workloads(doc):
            for i, key, value in security_opts(w.node):
                if key == "seccomp" and value.lower() == "unconfined":
                    yield security_opt_hit(w.node, i, f"{w.name} runs without a seccomp filter "
                                                      "(seccomp=unconfined)")
        return
    annotations = mapping(pod_metadata(doc).get("annotations"))
    for key, value in annotations.items():
        if (key == LEGACY or str(key).startswith(LEGACY_CONTAINER)) and \
                str(value).lower() == "unconfined":
            yield at_key(annotations, key, "a seccomp annotation makes the pod unconfined")
    legacy_ok = any((k == LEGACY or str(k).startswith(LEGACY_CONTAINER)) and
                    str(v).lower() != "unconfined" for k, v in annotations.items())
    for w in workloads(doc):
        profile, where = w.effective("seccompProfile")
        if profile is None and legacy_ok:
            continue
        kind = str(get(profile, "type", default="")) if profile is not None else ""
        if profile is None:
            yield w.here(f"{w.name} has no seccompProfile (RuntimeDefault or Localhost): it "
                         "runs unconfined")
        elif kind not in ("RuntimeDefault", "Localhost"):
            yield at_value(where, "seccompProfile", f"{w.name} seccompProfile type is "
                                                    f"{kind or 'missing'}")


RULE = Rule(
    id="TS-R04", severity="high", checklist="R04", kinds=(COMPOSE, KUBERNETES),
    message="no seccomp filter (unconfined, or no profile on Kubernetes)",
    hint="compose: drop seccomp=unconfined (or give seccomp=PROFILE.json); Kubernetes: "
         "seccompProfile: {type: RuntimeDefault} or Localhost",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    security_opt: [\"seccomp=unconfined\"]\n",
    good="services:\n  app:\n    image: app:1\n    security_opt: [\"seccomp=seccomp.json\"]\n",
    equivalents=Equivalents(cis="5.21", pss="restricted: Seccomp", checkov="CKV_K8S_31"),
    doc="Docker applies its default filter unless told otherwise, so a compose service "
        "without a seccomp option passes; Kubernetes runs pods Unconfined unless a "
        "seccompProfile is set, so there it must be written, whatever else confines the pod "
        "(Polaris' linuxHardening accepts SELinux, AppArmor or dropped capabilities instead).",
)
