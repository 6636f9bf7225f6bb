"""TS-R03: no-new-privileges / allowPrivilegeEscalation: false."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_key
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import security_opts, workloads


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            on = [v for _, k, v in security_opts(w.node) if k == "no-new-privileges"]
            if not any(v.lower() in ("", "true") for v in on):
                yield w.here(f"{w.name} can gain privileges (no security_opt "
                             "no-new-privileges:true)")
        else:
            sc = w.security()
            if sc.get("allowPrivilegeEscalation") is not False:
                if "allowPrivilegeEscalation" in sc:
                    yield at_key(sc, "allowPrivilegeEscalation",
                                 f"{w.name} allows privilege escalation")
                else:
                    yield w.here(f"{w.name} does not set allowPrivilegeEscalation: false")


RULE = Rule(
    id="TS-R03", severity="high", checklist="R03", kinds=(COMPOSE, KUBERNETES),
    message="the container can gain privileges (no-new-privileges not set)",
    hint="compose: security_opt: [\"no-new-privileges:true\"]; Kubernetes: "
         "allowPrivilegeEscalation: false",
    check=check,
    bad="services:\n  app:\n    image: app:1\n",
    good="services:\n  app:\n    image: app:1\n    security_opt: [\"no-new-privileges:true\"]\n",
    equivalents=Equivalents(cis="5.25", pss="restricted: Privilege Escalation",
                            checkov="CKV_K8S_20"),
)
