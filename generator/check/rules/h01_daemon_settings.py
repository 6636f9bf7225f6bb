"""TS-H01: daemon.json hardens every container the daemon runs."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, at_node, mapping
from generator.check.model import DAEMON, Context, Equivalents, Hit, Rule

WANTED = {
    "icc": (False, "containers on the default bridge can talk to each other (icc)"),
    "no-new-privileges": (True, "containers may gain privileges (no-new-privileges)"),
    "live-restore": (True, "containers stop when the daemon restarts (live-restore)"),
}


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    node = doc.node
    missing = [why for key, (want, why) in WANTED.items() if node.get(key) is not want]
    if not node.get("userns-remap"):
        missing.append("container root is host root (no userns-remap)")
    options = mapping(node.get("log-opts"))
    if node.get("log-driver", "json-file") == "json-file" and "max-size" not in options:
        missing.append("logs are not rotated (log-driver with log-opts max-size)")
    for why in missing:
        yield at_node(node, why)


RULE = Rule(
    id="TS-H01", severity="medium", checklist="H01", kinds=(DAEMON,),
    message="daemon.json lacks icc: false, no-new-privileges, userns-remap, live-restore or "
            "log rotation",
    hint="set \"icc\": false, \"no-new-privileges\": true, \"userns-remap\": \"default\", "
         "\"live-restore\": true, \"log-driver\": \"local\" (or json-file with max-size)",
    check=check,
    bad='{"icc": true}\n',
    good='{"icc": false, "no-new-privileges": true, "userns-remap": "default", '
         '"live-restore": true, "log-driver": "json-file", "log-opts": {"max-size": "10m", '
         '"max-file": "3"}}\n',
    equivalents=Equivalents(cis="2.x (daemon configuration: icc, userns-remap, live restore, "
                                "no-new-privileges, logging)"),
)
