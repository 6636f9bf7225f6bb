"""What every rule is made of, what it is given, and what it returns.

A rule is data (id, severity, message, checklist item, equivalents, doc) plus one `check`
function. `check(doc, ctx)` reads one positioned document and yields `Hit`s; the checker turns
hits into `Finding`s (file, line, column, rule, severity, message, hint) and applies suppressions.
Findings are frozen data; the report writers only read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SEVERITIES = ("low", "medium", "high", "critical")

# The kinds of file `check` reads.
DOCKERFILE = "dockerfile"
DOCKERIGNORE = "dockerignore"
COMPOSE = "compose"
KUBERNETES = "kubernetes"
SECCOMP = "seccomp"
APPARMOR = "apparmor"
DAEMON = "daemon"
PIPELINE = "pipeline"  # CI gate scripts and pipeline definitions (shell, GitHub, GitLab)
ANY = "any"  # rules about the check itself (parse errors, suppressions)
KINDS = (DOCKERFILE, DOCKERIGNORE, COMPOSE, KUBERNETES, SECCOMP, APPARMOR, DAEMON,
         PIPELINE)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


class Hit(NamedTuple):
    """One breach a rule saw: where (1-based line and column) and, optionally, a finer message.

    `anchor` is the first line of the statement the hit belongs to (a Dockerfile instruction
    can span lines): an inline suppression written above that statement covers the hit.
    """

    line: int
    column: int = 1
    message: str | None = None
    anchor: int | None = None


class Finding(NamedTuple):
    """One breach of a rule at a file's line and column."""

    file: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    hint: str
    suppressed: bool = False
    reason: str | None = None  # why it is suppressed (from the inline comment or profile)
    via: str | None = None  # "inline" or "profile": where the suppression is written

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "rule": self.rule,
                "severity": self.severity, "message": self.message, "hint": self.hint,
                "suppressed": self.suppressed, "reason": self.reason, "via": self.via}


class Equivalents(NamedTuple):
    """The same check elsewhere, where one exists (names as those tools and standards use)."""

    cis: str = ""  # CIS Docker Benchmark v1.6 recommendation
    pss: str = ""  # Kubernetes Pod Security Standards control (baseline/restricted)
    hadolint: str = ""
    checkov: str = ""

    def items(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in (("CIS Docker", self.cis), ("Pod Security", self.pss),
                                    ("hadolint", self.hadolint), ("checkov", self.checkov)) if v]


@dataclass(frozen=True)
class Rule:
    """One rule of the checklist: what it finds, how bad, and where it looks."""

    id: str
    severity: str
    message: str  # one line: what is wrong
    checklist: str  # the checklist item it enforces, e.g. "B03"
    kinds: tuple[str, ...]
    hint: str  # one line: how to fix it
    check: Callable[[Any, "Context"], Iterable[Hit]]
    bad: str  # a minimal example that breaks the rule
    good: str  # the same example, fixed
    equivalents: Equivalents = Equivalents()
    doc: str = ""  # why it matters, and what it does not cover
    # the Context fields the examples assume
    example_context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.severity}")


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the document: the organisation's profile settings."""

    allowed_registries: tuple[str, ...] = ("docker.io/library",)
    allowed_capabilities: tuple[str, ...] = ("NET_BIND_SERVICE",)
    package_pins: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Any) -> "Context":
        return cls(allowed_registries=tuple(profile.allowed_registries),
                   allowed_capabilities=tuple(profile.allowed_capabilities),
                   package_pins=dict(profile.package_pins))

