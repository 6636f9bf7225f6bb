"""How `check` tells what a file is: by its name, and where the name is not enough, its content."""

from __future__ import annotations

import pytest
from cli_support import run_cli

from generator.check.checker import kind_of

CASES = [
    ("Dockerfile", "FROM x\n", "dockerfile"),
    ("api/Dockerfile.prod", "FROM x\n", "dockerfile"),
    ("build/api.Dockerfile", "FROM x\n", "dockerfile"),
    ("Containerfile", "FROM x\n", "dockerfile"),
    ("generator/outputs/dockerfile.py", "import x\n", None),
    ("templates/Dockerfile.j2", "FROM {{ x }}\n", None),
    (".dockerignore", "*\n", "dockerignore"),
    ("Dockerfile.dockerignore", "*\n", "dockerignore"),
    ("compose.yaml", "services: {}\n", "compose"),
    ("docker-compose.override.yml", "services: {}\n", "compose"),
    ("deploy/stack.yml", "version: '3'\nservices:\n  a: {image: x}\n", "compose"),
    ("k8s/app.yaml", "---\napiVersion: v1\nkind: Pod\n", "kubernetes"),
    ("k8s/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                               "kind: Kustomization\n", "kubernetes"),
    ("tightship.yaml", "service: x\nruntime: go\n", None),
    (".github/workflows/ci.yml", "on: push\njobs: {}\n", "pipeline"),  # TS-H03 reads it
    (".gitlab-ci.yml", "build:\n  script: [make]\n", "pipeline"),
    ("ci/tightship-gate.sh", "#!/bin/sh\n", "pipeline"),
    ("docs/workflows/ci.yml", "on: push\njobs: {}\n", None),
    ("seccomp.json", '{"defaultAction": "SCMP_ACT_ERRNO"}', "seccomp"),
    ("profiles/broken-seccomp.json", '{"defaultAction": ', "seccomp"),
    ("schemas/answers.schema.json", '{"properties": {"syscalls": {"type": "object"}}}', None),
    ("package.json", '{"name": "x"}', None),
    ("daemon.json", "{}", "daemon"),
    ("apparmor/tightship-api", "#include <tunables/global>\nprofile api {\n}\n", "apparmor"),
    ("etc/docker-nginx", "profile docker-nginx flags=(attach_disconnected) {\n}\n", "apparmor"),
    ("LICENSE", "Apache License\n", None),
]


@pytest.mark.parametrize("name,text,kind", CASES, ids=[c[0] for c in CASES])
def test_kind_of(name, text, kind):
    assert kind_of(name, text) == kind


def test_a_folder_walk_skips_what_is_not_ours(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "app").write_bytes(b"\x7fELF\x02\x01\x01\x00\xff\xfe")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "Dockerfile").write_text("FROM python:latest\n")
    (tmp_path / "README.md").write_text("# hi\n")
    (tmp_path / "helm" / "templates").mkdir(parents=True)
    (tmp_path / "helm" / "templates" / "deploy.yaml").write_text("{{ if .Values.x }}\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.code == 0 and result.out == "0 finding(s) in 0 of 0 file(s) checked.\n"


def test_a_broken_yaml_file_in_a_folder_is_reported(tmp_path):
    (tmp_path / "deploy.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n")
    (tmp_path / "notes.yaml").write_text("a: [1,\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.code == 1
    assert "deploy.yaml" in result.out and "notes.yaml" in result.out
    assert result.out.count("TS-P01") == 2
