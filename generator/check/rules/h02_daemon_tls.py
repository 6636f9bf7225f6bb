"""TS-H02: the Docker API is never exposed over TCP without TLS client certificates."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_item, seq
from generator.check.model import DAEMON, Context, Equivalents, Hit, Rule


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    node = doc.node
    hosts = node.get("hosts")
    for i, host in enumerate(seq(hosts)):
        text = str(host)
        if text.startswith("tcp://") and not (node.get("tlsverify") is True and
                                              node.get("tlscacert")):
            yield at_item(hosts, i, f"the Docker API listens on {text} without TLS client "
                                    "verification: anyone who reaches it is root")


RULE = Rule(
    id="TS-H02", severity="critical", checklist="H02", kinds=(DAEMON,),
    message="the Docker API listens on TCP without TLS client certificates",
    hint="listen on the unix socket only, or set tlsverify: true with tlscacert, tlscert, tlskey",
    check=check,
    bad='{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}\n',
    good='{"hosts": ["unix:///var/run/docker.sock"]}\n',
    equivalents=Equivalents(cis="2.x (TLS authentication for the Docker daemon)"),
)
