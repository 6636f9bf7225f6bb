"""Helpers for the check tests: run the rules on in-memory files."""

from __future__ import annotations

from generator.check.checker import check_texts
from generator.check.model import (
    APPARMOR,
    COMPOSE,
    DAEMON,
    DOCKERFILE,
    DOCKERIGNORE,
    KUBERNETES,
    PIPELINE,
    SECCOMP,
    Context,
    Rule,
)

EXAMPLE_NAMES = {DOCKERFILE: "Dockerfile", DOCKERIGNORE: ".dockerignore",
                 COMPOSE: "compose.yaml", KUBERNETES: "k8s/manifest.yaml",
                 SECCOMP: "seccomp.json", APPARMOR: "apparmor/app", DAEMON: "daemon.json",
                 PIPELINE: "ci/gate.sh"}


def name_for(rule: Rule, text: str) -> str:
    if text.startswith("apiVersion"):
        return EXAMPLE_NAMES[KUBERNETES]
    return EXAMPLE_NAMES[rule.kinds[0]]


def context_for(rule: Rule) -> Context:
    return Context(**{**Context().__dict__, **rule.example_context})


def findings(name: str, text: str, ctx: Context | None = None, rule: str | None = None):
    found = check_texts({name: text}, ctx or Context())
    return [f for f in found if rule is None or f.rule == rule]
