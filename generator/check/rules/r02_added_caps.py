"""TS-R02.2: only the capabilities the profile allows are added back."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, get, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads


def _name(cap: object) -> str:
    text = str(cap).upper()
    return text[4:] if text.startswith("CAP_") else text


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    allowed = {c.upper() for c in ctx.allowed_capabilities}
    for w in workloads(doc):
        added = w.node.get("cap_add") if w.compose else get(w.security(), "capabilities", "add")
        for i, cap in enumerate(seq(added)):
            if _name(cap) not in allowed:
                yield at_item(added, i, f"{w.name} adds capability {cap}, which the profile "
                                        f"does not allow ({', '.join(sorted(allowed)) or 'none'})")


RULE = Rule(
    id="TS-R02.2", severity="high", checklist="R02", kinds=(COMPOSE, KUBERNETES),
    message="a capability the profile does not allow is added",
    hint="remove it, or (with a reason) add it to the profile's capabilities.allowed",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    cap_drop: [ALL]\n    cap_add: [SYS_ADMIN]\n",
    good="services:\n  app:\n    image: app:1\n    cap_drop: [ALL]\n"
         "    cap_add: [NET_BIND_SERVICE]\n",
    equivalents=Equivalents(cis="5.3", pss="restricted: Capabilities (NET_BIND_SERVICE only)",
                            checkov="CKV_K8S_25, CKV_K8S_39"),
)
