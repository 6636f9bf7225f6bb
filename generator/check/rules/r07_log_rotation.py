"""TS-R07.2: a compose service rotates its logs (a size and a count), so it cannot fill the disk."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.documents import YamlDoc, YamlMap, at_key, at_value, get, mapping
from generator.check.model import COMPOSE, Context, Equivalents, Hit, Rule
from generator.check.workloads import workloads

# Drivers that keep logs on the host's disk. The others send them elsewhere (journald, syslog,
# fluentd, …) or keep none, and rotate there.
_LOCAL_DRIVERS = ("json-file", "local")


def _problem(service: YamlMap) -> str | None:
    logging = mapping(service.get("logging"))
    driver = str(logging.get("driver", "json-file"))
    if driver not in _LOCAL_DRIVERS or driver == "local":
        return None  # shipped elsewhere, or `local`, which rotates by default (20m x 5)
    options = mapping(logging.get("options"))
    missing = [key for key in ("max-size", "max-file") if key not in options]
    if "max-size" in missing:
        return "logs to json-file without max-size, so the log grows without bound"
    if missing:
        return "logs to json-file with max-size but no max-file"
    return None


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    for w in workloads(doc):
        if not w.compose:
            continue
        problem = _problem(w.node)
        if problem is None:
            continue
        message = f"{w.name} {problem}"
        if "logging" in w.node and get(w.node, "logging", "driver") is not None:
            yield at_value(mapping(w.node["logging"]), "driver", message)
        elif "logging" in w.node:
            yield at_key(w.node, "logging", message)
        else:
            yield w.here(f"{w.name} has no log rotation (logging: driver json-file with "
                         "max-size and max-file)")


RULE = Rule(
    id="TS-R07.2", severity="low", checklist="R07", kinds=(COMPOSE,),
    message="a compose service's logs are not rotated (no size and count)",
    hint="logging: {driver: json-file, options: {max-size: \"10m\", max-file: \"3\"}}, or "
         "driver local",
    check=check,
    bad="services:\n  app:\n    image: app:1\n",
    good="services:\n  app:\n    image: app:1\n    logging:\n      driver: json-file\n"
         "      options:\n        max-size: 10m\n        max-file: \"3\"\n",
    equivalents=Equivalents(cis="2.x (daemon log rotation, at service level)"),
    doc="Docker's json-file driver keeps every line unless max-size is set. A daemon.json "
        "with log-opts rotates every container (TS-H01) but is not seen from the compose "
        "file, so the service says it itself. Drivers that ship logs elsewhere (journald, "
        "syslog, fluentd) and `local` (rotating by default) pass.",
)
