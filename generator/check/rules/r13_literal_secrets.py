"""TS-R13: secrets reach the container at run time, never as literal values in the file."""

from __future__ import annotations

import re

from generator.check.documents import at_item, at_key, seq
from generator.check.model import COMPOSE, KUBERNETES, Equivalents, Hit, Rule
from generator.check.rules.b09_secret_env import secret_name
from generator.check.workloads import workloads

INTERPOLATED = re.compile(r"^\$\{?\w")


def _compose_env(service: dict):
    env = service.get("environment")
    if isinstance(env, dict):
        for key, value in env.items():
            yield at_key(env, key), str(key), value
    else:
        for i, item in enumerate(seq(env)):
            key, sep, value = str(item).partition("=")
            yield at_item(env, i), key, value if sep else None


def check(doc, ctx):
    for w in workloads(doc):
        if w.compose:
            for hit, key, value in _compose_env(w.node):
                if secret_name(key) and value not in (None, "") and \
                        not INTERPOLATED.match(str(value)):
                    yield Hit(hit.line, hit.column,
                                        f"{w.name} gets {key} as a literal value in the file")
        else:
            env = w.node.get("env")
            for i, item in enumerate(seq(env)):
                if isinstance(item, dict) and secret_name(str(item.get("name", ""))) \
                        and "value" in item and str(item.get("value") or ""):
                    yield at_key(item, "value", f"{w.name} gets {item.get('name')} as a literal "
                                                "value in the manifest")


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
    doc="Secret-looking names are the same as for TS-B09. A compose value that is an "
        "interpolation (${DB_PASSWORD}) comes from the environment at run time and passes.",
)
