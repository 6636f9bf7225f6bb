"""User namespaces in tests: a profile that targets a Kubernetes version with the switch on or
off, and what a deployment with `hostUsers: false` must still hold."""

from __future__ import annotations

import kubernetes_validate


def userns_profile(tmp_path, version: str, *, on: bool) -> str:
    path = tmp_path / f"userns-{version}.yaml"
    path.write_text(f"name: userns\nextends: default\nkubernetes:\n  version: '{version}'\n"
                    f"  user_namespaces: {'true' if on else 'false'}\n")
    return str(path)


def assert_user_namespaced(doc: dict, version: str) -> None:
    """hostUsers off, runAsNonRoot/runAsUser kept (other checkers still ask for them, and the
    kubelet still refuses root with them), and valid for `version`, strictly."""
    pod = doc["spec"]["template"]["spec"]
    assert pod["hostUsers"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    container = pod["containers"][0]["securityContext"]
    assert container["runAsNonRoot"] is True and container["runAsUser"] >= 10000
    kubernetes_validate.validate(doc, f"{version}.0", strict=True)
