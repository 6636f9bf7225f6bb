"""TS-R10: only needed ports published: no ranges, no admin ports, no hostPort."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, at_key, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads

ADMIN = {22: "ssh", 23: "telnet", 2375: "the Docker API", 2376: "the Docker API"}


def _published(item: object) -> tuple[str, str]:
    """(host part, container part) of a compose port, short or long syntax."""
    if isinstance(item, dict):
        return str(item.get("published", "")), str(item.get("target", ""))
    text = str(item).split("/")[0]
    parts = text.rsplit(":", 1)
    if len(parts) == 1:
        return "", parts[0]
    host = parts[0].rsplit(":", 1)[-1] if not parts[0].endswith("]") else ""
    return host, parts[1]


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if w.compose:
            ports = w.node.get("ports")
            for i, item in enumerate(seq(ports)):
                host, target = _published(item)
                if "-" in host or "-" in target:
                    yield at_item(ports, i, f"{w.name} publishes a port range ({item})")
                    continue
                for number in {host, target}:
                    if number.isdigit() and int(number) in ADMIN:
                        yield at_item(ports, i, f"{w.name} publishes {ADMIN[int(number)]} "
                                                f"({item})")
        else:
            ports = w.node.get("ports")
            for i, port in enumerate(seq(ports)):
                if isinstance(port, dict) and port.get("hostPort"):
                    yield at_key(port, "hostPort", f"{w.name} binds hostPort "
                                                   f"{port['hostPort']} on the node")


RULE = Rule(
    id="TS-R10", severity="medium", checklist="R10", kinds=(COMPOSE, KUBERNETES),
    message="a port range, an admin port or a hostPort is published",
    hint="publish only the service's port (compose: \"127.0.0.1:8080:8080\"); Kubernetes: "
         "a Service instead of hostPort",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    ports: [\"22:22\", \"8000-8100:8000-8100\"]\n",
    good="services:\n  app:\n    image: app:1\n    ports: [\"127.0.0.1:8080:8080\"]\n",
    equivalents=Equivalents(cis="5.7, 5.8, 5.13", pss="baseline: Host Ports",
                            checkov="CKV_K8S_26"),
    doc="Which ports are needed is the service's own business; the rule catches what no "
        "service needs: ranges, ssh/telnet/Docker API and node ports taken with hostPort. "
        "Binding to a named interface is left to the team (the generator binds where the "
        "answers say).",
)
