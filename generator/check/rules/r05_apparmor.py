"""TS-R05: an AppArmor profile (or SELinux label) applies; never unconfined."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key, get, mapping, pod_metadata
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import security_opt_hit, security_opts, workloads

ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.family == COMPOSE:
        for w in workloads(doc):
            for i, key, value in security_opts(w.node):
                if key == "apparmor" and value.lower() == "unconfined":
                    yield security_opt_hit(w.node, i, f"{w.name} runs without AppArmor "
                                                      "(apparmor=unconfined)")
                if key == "label" and value.lower() == "disable":
                    yield security_opt_hit(w.node, i, f"{w.name} turns SELinux labels off "
                                                      "(label=disable)")
        return
    annotations = mapping(pod_metadata(doc).get("annotations"))
    for key, value in annotations.items():
        if str(key).startswith(ANNOTATION) and str(value).lower() == "unconfined":
            yield at_key(annotations, key, "an AppArmor annotation makes a container unconfined")
    for w in workloads(doc):
        profile, where = w.effective("appArmorProfile")
        if profile is not None and str(get(profile, "type", default="")) == "Unconfined":
            yield at_key(where, "appArmorProfile", f"{w.name} appArmorProfile is Unconfined")
        selinux, where = w.effective("seLinuxOptions")
        if str(get(selinux, "type", default="")) in ("spc_t", "unconfined_t"):
            yield at_key(where, "seLinuxOptions", f"{w.name} runs as an unconfined SELinux type")


RULE = Rule(
    id="TS-R05", severity="high", checklist="R05", kinds=(COMPOSE, KUBERNETES),
    message="AppArmor or SELinux confinement turned off",
    hint="drop apparmor=unconfined / label=disable; Kubernetes: appArmorProfile "
         "RuntimeDefault or Localhost",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    security_opt: [\"apparmor=unconfined\"]\n",
    good="services:\n  app:\n    image: app:1\n    security_opt: [\"apparmor=docker-default\"]\n",
    equivalents=Equivalents(cis="5.1, 5.2", pss="baseline: AppArmor, SELinux"),
    doc="A missing setting leaves the runtime's default profile (docker-default, "
        "RuntimeDefault) in force on hosts with AppArmor, so only an explicit opt-out is "
        "reported.",
)
