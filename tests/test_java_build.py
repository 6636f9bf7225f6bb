"""Java builds as projects have them: Maven or Gradle, through the wrapper when the project
has one, the organisation's Maven mirror as a build-stage settings.xml (credentials only as a
secret mount), and a JRE final stage that gets the jar alone."""

from __future__ import annotations

import json
import re
import subprocess
from xml.etree import ElementTree

from cli_support import copy_example, run_cli, tool
from dockerfile_parse import DockerfileParser

from generator.wizard import detect

MIRROR = "https://maven.example.org/repository/all%2Fgroups"


def structure(service) -> list[dict]:
    return DockerfileParser(str(service / "Dockerfile")).structure


def hadolint(service) -> None:
    proc = subprocess.run([tool("hadolint"), "--no-color", str(service / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout


def test_the_maven_mirror_is_a_settings_file_and_its_credentials_a_secret(tmp_path):
    service = copy_example("java", tmp_path)
    profile = tmp_path / "org.yaml"
    profile.write_text("name: org\nextends: default\npackage_indexes:\n  maven:\n"
                       f"    url: {MIRROR}\n    credentials: maven_settings\n")
    assert run_cli("render", "--force", "--profile", str(profile), cwd=service).code == 0
    hadolint(service)
    runs = [i["value"] for i in structure(service) if i["instruction"] == "RUN"]
    write_settings = next(r for r in runs if "settings.xml" in r and "printf" in r)
    # What that step writes, run by a shell into a scratch folder: Maven's settings, one mirror.
    home = tmp_path / "home"
    script = write_settings.replace("/root/.m2", str(home / ".m2"))
    subprocess.run(["sh", "-c", script], check=True, timeout=30)
    settings = ElementTree.parse(home / ".m2" / "settings.xml").getroot()
    mirrors = settings.findall("./mirrors/mirror")
    assert [(m.findtext("mirrorOf"), m.findtext("url")) for m in mirrors] == [("*", MIRROR)]
    build = next(r for r in runs if '"mvn"' in r)
    assert "--mount=type=secret,id=maven_settings,target=/root/.m2/settings.xml" in build
    assert (service / "Dockerfile").read_text().count("maven_settings") == 1


def test_without_a_mirror_maven_runs_as_the_image_has_it(tmp_path):
    service = copy_example("java", tmp_path)
    assert run_cli("render", "--force", cwd=service).code == 0
    assert "settings.xml" not in (service / "Dockerfile").read_text()


def gradle_project(root):
    (root / "src" / "main" / "java" / "app").mkdir(parents=True)
    (root / "src" / "main" / "java" / "app" / "App.java").write_text(
        "package app;\npublic class App { public static void main(String[] a) {} }\n")
    (root / "build.gradle").write_text("plugins { id 'java' }\n")
    (root / "settings.gradle").write_text("rootProject.name = 'app'\n")
    (root / "gradlew").write_text("#!/bin/sh\n")
    (root / "gradle" / "wrapper").mkdir(parents=True)
    (root / "gradle" / "wrapper" / "gradle-wrapper.properties").write_text("x=y\n")


def test_a_gradle_wrapper_project_renders_and_passes_hadolint(tmp_path):
    gradle_project(tmp_path)
    suggested = detect.runtime_defaults(tmp_path, "java", "app")
    assert suggested["build.command"][0] == "./gradlew"
    assert {"gradlew", "gradle/", "build.gradle"} <= set(suggested["build.dependencies"])
    lines = ["service: app", "runtime: java", "build:",
             f"  dependencies: {json.dumps(suggested['build.dependencies'])}",
             f"  sources: {json.dumps(suggested['build.sources'])}",
             f"  command: {json.dumps(suggested['build.command'])}",
             f"  artifact: {suggested['build.artifact']}",
             f"command: {json.dumps(suggested['command'])}", "ports: [8080]",
             "healthcheck:", f"  command: {json.dumps(suggested['healthcheck.command'])}"]
    (tmp_path / "tightship.yaml").write_text("\n".join(lines) + "\n")
    result = run_cli("render", cwd=tmp_path)
    assert result.code == 0, result.err
    hadolint(tmp_path)
    text = (tmp_path / "Dockerfile").read_text()
    assert 'RUN ["./gradlew", "--no-daemon"' in text
    final = text.rsplit("FROM ", 1)[1]
    assert re.findall(r"^COPY .*$", final, re.MULTILINE) == [
        "COPY --from=build --chown=0:0 /src/build/libs/app.jar /app/app.jar"]  # the jar alone
    assert run_cli("check", str(tmp_path)).code == 0


def test_a_maven_wrapper_is_proposed_with_its_folder(tmp_path):
    (tmp_path / "pom.xml").write_text(
        "<project><artifactId>svc</artifactId><version>1.2.0</version></project>")
    (tmp_path / "mvnw").write_text("#!/bin/sh\n")
    (tmp_path / ".mvn").mkdir()
    suggested = detect.runtime_defaults(tmp_path, "java", "svc")
    assert suggested["build.command"][0] == "./mvnw"
    assert suggested["build.dependencies"] == ["pom.xml", "mvnw", ".mvn/"]
    assert suggested["build.artifact"] == "target/svc-1.2.0.jar"
