"""Readers shared by the run-time rules (R01-R17): compose services and Kubernetes containers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.check.documents import (
    YamlDoc,
    YamlMap,
    at_item,
    at_key,
    compose_services,
    containers,
    get,
    mapping,
    pod_templates,
    seq,
)
from generator.check.model import COMPOSE, KUBERNETES, Hit


@dataclass
class Workload:
    """One container to judge: a compose service, or a container of a Kubernetes pod."""

    doc: YamlDoc
    name: str
    node: YamlMap  # the compose service, or the Kubernetes container
    pod: YamlMap = field(default_factory=dict)  # the pod spec (Kubernetes); {} for compose
    parent: Any = None  # the compose `services` mapping (for the service key's position)

    @property
    def compose(self) -> bool:
        return self.doc.family == COMPOSE

    def here(self, message: str) -> Hit:
        """Where to report something missing: the service's key, or the container's name."""
        if self.compose:
            return at_key(self.parent, self.name, message)
        return at_key(self.node, "name", message)

    def security(self) -> YamlMap:
        return mapping(self.node.get("securityContext"))

    def pod_security(self) -> YamlMap:
        return mapping(self.pod.get("securityContext"))

    def effective(self, key: str) -> tuple[Any, YamlMap | None]:
        """A Kubernetes security setting: the container's, else the pod's; and where it is."""
        own = self.security()
        if key in own:
            return own[key], own
        pod = self.pod_security()
        if key in pod:
            return pod[key], pod
        return None, None


def workloads(doc: YamlDoc) -> list[Workload]:
    """Each container of a document, read once: every run-time rule asks."""
    if doc.containers_read is None:
        doc.containers_read = list(_workloads(doc))
    return doc.containers_read


def _workloads(doc: YamlDoc) -> Iterator[Workload]:
    if doc.family == COMPOSE:
        services = get(doc.node, "services")
        for name, service in compose_services(doc):
            yield Workload(doc, name, service, parent=services)
    elif doc.family == KUBERNETES:
        for pod in pod_templates(doc):
            for name, container in containers(pod.spec):
                yield Workload(doc, name, container, pod=pod.spec)


def security_opts(service: YamlMap) -> Iterator[tuple[int, str, str]]:
    """compose `security_opt`: (index, option, value) with `:` and `=` forms alike."""
    for i, item in enumerate(seq(service.get("security_opt"))):
        text = str(item).strip()
        # the option ends at the first `:` or `=`; a quoted value may hold line breaks
        cut = min((i for i in (text.find(":"), text.find("=")) if i >= 0), default=len(text))
        key, value = text[:cut], text[cut + 1:]
        yield i, key.strip().lower(), value.strip()


def security_opt_hit(service: YamlMap, index: int, message: str) -> Hit:
    return at_item(service.get("security_opt"), index, message)


def is_host_path_source(source: str) -> bool:
    return source.startswith(("/", "./", "../", "~"))


def compose_volumes(service: YamlMap) -> Iterator[tuple[int, str, str, bool]]:
    """(index, source, target, read-only) for each compose volume, short or long syntax."""
    for i, item in enumerate(seq(service.get("volumes"))):
        if isinstance(item, dict):
            if item.get("type", "volume") != "bind" and not is_host_path_source(
                    str(item.get("source", ""))):
                continue
            yield i, str(item.get("source", "")), str(item.get("target", "")), \
                item.get("read_only") is True
        else:
            parts = str(item).split(":")
            if len(parts) < 2 or not is_host_path_source(parts[0]):
                continue
            options = parts[2].split(",") if len(parts) > 2 else []
            yield i, parts[0], parts[1], "ro" in options
