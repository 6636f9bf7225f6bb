"""TS-R13: secrets reach the container at run time, never as literal values in the file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.check.documents import YamlDoc, YamlMap, at_item, at_key, mapping, seq
from generator.check.model import COMPOSE, KUBERNETES, Context, Equivalents, Hit, Rule
from generator.check.secrets import literal_secret
from generator.check.workloads import workloads

INTERPOLATED = re.compile(r"^\$\{?\w")  # compose: ${DB_PASSWORD} comes from the environment
DEPENDENT = re.compile(r"^\$\(\w+\)$")  # Kubernetes: $(OTHER_VAR), another variable


def _compose_env(service: YamlMap) -> Iterator[tuple[Hit, str, Any]]:
    env = service.get("environment")
    if isinstance(env, dict):
        for key, value in env.items():
            yield at_key(env, key), str(key), value
    else:
        for i, item in enumerate(seq(env)):
            key, sep, value = str(item).partition("=")
            yield at_item(env, i), key, value if sep else None


def check(doc: YamlDoc, ctx: Context) -> Iterator[Hit]:
    if doc.kind == "ConfigMap":
        yield from _config_map(doc)
        return
    for w in workloads(doc):
        if w.compose:
            for hit, key, value in _compose_env(w.node):
                if value is not None and not INTERPOLATED.match(str(value)) and \
                        literal_secret(key, value):
                    yield Hit(hit.line, hit.column,
                              f"{w.name} gets {key} as a literal value in the file")
        else:
            for item in seq(w.node.get("env")):
                if isinstance(item, dict) and "value" in item and \
                        not DEPENDENT.match(str(item.get("value") or "")) and \
                        literal_secret(item.get("name", ""), item.get("value")):
                    yield at_key(item, "value", f"{w.name} gets {item.get('name')} as a literal "
                                                "value in the manifest")


def _config_map(doc: YamlDoc) -> Iterator[Hit]:
    name = mapping(doc.node.get("metadata")).get("name", "?")
    data = mapping(doc.node.get("data"))
    for key, value in data.items():
        if literal_secret(key, value):
            yield at_key(data, key, f"ConfigMap {name} holds {key}, a secret, in plain text "
                                    "(a ConfigMap is not access-controlled like a Secret)")


RULE = Rule(
    id="TS-R13", severity="high", checklist="R13", kinds=(COMPOSE, KUBERNETES),
    message="a secret is written as a literal value in the file",
    hint="compose: top-level secrets: and the service's secrets: (files under /run/secrets); "
         "Kubernetes: a Secret volume (or valueFrom.secretKeyRef)",
    check=check,
    bad="services:\n  app:\n    image: app:1\n    environment:\n      DB_PASSWORD: hunter2\n",
    good="services:\n  app:\n    image: app:1\n    secrets: [db_password]\n"
         "secrets:\n  db_password:\n    file: ./secrets/db_password\n",
    equivalents=Equivalents(checkov="CKV_K8S_35 (prefers files to env)"),
    doc="Secret-looking names and values are the same as for TS-B09; ConfigMap data is read "
        "too. A compose value that is an interpolation (${DB_PASSWORD}) comes from the "
        "environment at run time and passes, and so does a value that is the path of a "
        "mounted secret file (DATABASE_PASSWORD=/run/secrets/db).",
)
