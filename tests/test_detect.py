"""Detection: what a project folder suggests as the wizard's defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES

from generator.render.answers import load_answers
from generator.wizard import detect


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>orders-api</artifactId>
  <version>2.3.1</version>
  <properties><maven.compiler.release>21</maven.compiler.release></properties>
  <build><finalName>orders</finalName></build>
</project>
"""


@pytest.mark.parametrize("files, runtime, source", [
    ({"requirements.txt": "flask\n"}, "python", "requirements.txt"),
    ({"pyproject.toml": "[project]\nname = 'x'\n"}, "python", "pyproject.toml"),
    ({"package.json": "{}"}, "node", "package.json"),
    ({"go.mod": "module example.com/x\n\ngo 1.24\n"}, "go", "go.mod"),
    ({"pom.xml": POM}, "java", "pom.xml"),
    ({"build.gradle": "plugins { id 'java' }\n"}, "java", "build.gradle"),
    ({"build.gradle.kts": "plugins { java }\n"}, "java", "build.gradle.kts"),
    # Front-end tooling next to a Go or Java service does not make it a Node service.
    ({"go.mod": "module x\n", "package.json": "{}"}, "go", "go.mod"),
    ({"pom.xml": POM, "package.json": "{}"}, "java", "pom.xml"),
    ({"requirements.txt": "", "package.json": "{}"}, "python", "requirements.txt"),
])
def test_each_kind_of_project_file_names_its_runtime(tmp_path, files, runtime, source):
    project = detect.detect(make(tmp_path, files))
    assert project.runtime == detect.Found(runtime, source)


def test_an_empty_or_missing_folder_suggests_nothing(tmp_path):
    assert detect.detect(tmp_path).runtime is None
    assert detect.detect(tmp_path).port is None
    missing = detect.detect(tmp_path / "New_Service")  # not written yet: only its name
    assert (missing.runtime, missing.port) == (None, None)
    assert missing.name == detect.Found("new-service", "the folder's name")
    assert detect.runtime_defaults(tmp_path / "nope", "python", "x") == {
        "build.dependencies": ["requirements.txt"], "build.sources": [],
        "command": ["python3", "-m", "app"]}


@pytest.mark.parametrize("files, port, source", [
    ({"Dockerfile": "FROM x\nEXPOSE 3000/tcp 9000\n"}, 3000, "Dockerfile"),
    ({"Dockerfile": "FROM x\nexpose ${PORT} 53/udp 8443\n"}, 8443, "Dockerfile"),
    ({"Containerfile": "EXPOSE 5000\n"}, 5000, "Containerfile"),
    ({"src/main/resources/application.properties": "server.port=8081\n"}, 8081,
     "src/main/resources/application.properties"),
    ({"src/main/resources/application.yml": "spring:\n  app: x\nserver:\n  port: 9091\n"},
     9091, "src/main/resources/application.yml"),
    ({".env.example": "LOG_LEVEL=info\nPORT=4000\n"}, 4000, ".env.example"),
    ({".env": "export HTTP_PORT='7070'\n"}, 7070, ".env"),
    # The Dockerfile wins over app config.
    ({"Dockerfile": "EXPOSE 8000\n", ".env": "PORT=4000\n"}, 8000, "Dockerfile"),
])
def test_the_port_comes_from_an_existing_dockerfile_or_app_config(tmp_path, files, port, source):
    assert detect.detect(make(tmp_path, files)).port == detect.Found(port, source)


@pytest.mark.parametrize("files", [
    {"Dockerfile": "EXPOSE 70000\n"}, {"Dockerfile": "EXPOSE ${PORT}\n"},
    {".env": "PORT=abc\n"}, {"application.properties": "server.port=0\n"},
])
def test_nonsense_ports_are_not_suggested(tmp_path, files):
    assert detect.detect(make(tmp_path, files)).port is None


def test_python_defaults_find_the_package_and_its_main(tmp_path):
    root = make(tmp_path / "svc", {"requirements.txt": "", "api/__init__.py": "",
                                   "api/__main__.py": "", "tests/test_x.py": "",
                                   "README.md": ""})
    found = detect.runtime_defaults(root, "python", "svc")
    assert found == {"build.dependencies": ["requirements.txt"], "build.sources": ["api/"],
                     "command": ["python3", "-m", "api"]}
    script = make(tmp_path / "script", {"pyproject.toml": "", "main.py": ""})
    assert detect.runtime_defaults(script, "python", "s")["command"] == ["python3", "main.py"]
    assert detect.runtime_defaults(script, "python", "s")["build.dependencies"] == [
        "pyproject.toml"]


def test_node_defaults_read_the_start_script(tmp_path):
    package = {"name": "@acme/Orders_API", "version": "1.4.0",
               "scripts": {"start": "node ./lib/main.js"}}
    root = make(tmp_path, {"package.json": json.dumps(package), "package-lock.json": "{}",
                           "lib/main.js": "", "node_modules/x/index.js": ""})
    found = detect.runtime_defaults(root, "node", "x")
    assert found == {"build.dependencies": ["package.json", "package-lock.json"],
                     "build.sources": ["lib/"], "command": ["node", "lib/main.js"]}
    project = detect.detect(root)
    assert project.name == detect.Found("orders-api", "package.json")
    assert project.version == detect.Found("1.4.0", "package.json")


def test_go_defaults_name_the_binary_after_the_service(tmp_path):
    root = make(tmp_path, {"go.mod": "module github.com/acme/billing\n\ngo 1.24.1\n",
                           "go.sum": "", "main.go": "", "internal/x/x.go": ""})
    found = detect.runtime_defaults(root, "go", "billing")
    assert found["build.dependencies"] == ["go.mod", "go.sum"]
    assert found["build.sources"] == ["internal/", "main.go"]
    assert found["command"] == ["/app/billing"]
    assert found["healthcheck.command"] == ["/app/billing", "-healthcheck"]
    assert detect.detect(root).name == detect.Found("billing", "go.mod")
    assert detect.detect_runtime_version(root, "go") == detect.Found("1.24", "go.mod")


def test_java_defaults_for_maven_and_gradle(tmp_path):
    maven = make(tmp_path / "m", {"pom.xml": POM, "src/main/java/App.java": ""})
    found = detect.runtime_defaults(maven, "java", "orders")
    assert found["build.command"] == ["mvn", "-B", "-q", "-DskipTests", "package"]
    assert found["build.artifact"] == "target/orders.jar"
    assert found["command"] == ["java", "-jar", "/app/orders.jar"]
    assert detect.detect(maven).version == detect.Found("2.3.1", "pom.xml")
    assert detect.detect(maven).name == detect.Found("orders-api", "pom.xml")
    assert detect.detect_runtime_version(maven, "java") == detect.Found("21", "pom.xml")
    gradle = make(tmp_path / "g", {"build.gradle": "", "settings.gradle": "", "gradlew": "",
                                   "src/main/java/App.java": ""})
    found = detect.runtime_defaults(gradle, "java", "x")
    assert found["build.command"][0] == "./gradlew"
    assert found["build.dependencies"] == ["build.gradle", "settings.gradle", "gradlew",
                                           "gradle/"]
    assert found["build.artifact"] == "build/libs/app.jar"


def test_a_broken_manifest_suggests_nothing_from_it(tmp_path):
    root = make(tmp_path / "Broken Dir", {"package.json": "{not json", "pom.xml": "<oops"})
    project = detect.detect(root)
    assert project.runtime == detect.Found("java", "pom.xml")
    assert project.version is None
    assert project.name == detect.Found("broken-dir", "the folder's name")
    assert detect.runtime_defaults(root, "java", "x")["build.artifact"] == "target/app.jar"


@pytest.mark.parametrize("remote, url", [
    ("git@github.com:acme/orders.git", "https://github.com/acme/orders"),
    ("https://github.com/acme/orders.git", "https://github.com/acme/orders"),
    ("https://user:tok3n@gitlab.example.com/team/svc", "https://gitlab.example.com/team/svc"),
    ("ssh://git@git.example.com:2222/team/svc.git", "https://git.example.com/team/svc"),
    ("/srv/git/local.git", None),
])
def test_the_git_remote_becomes_an_https_source_without_credentials(tmp_path, remote, url):
    assert detect.https_url(remote) == url
    root = make(tmp_path, {".git/config": f'[core]\n\tbare = false\n[remote "origin"]\n'
                                          f'\turl = {remote}\n', "sub/go.mod": "module x\n"})
    found = detect.detect(root / "sub").source
    assert (found.value if found else None) == url


@pytest.mark.parametrize("text, label", [
    ("My_Service.API", "my-service-api"), ("--x--", "x"), ("___", None), ("a" * 80, "a" * 63),
])
def test_names_become_dns_labels(text, label):
    assert detect.dns_label(text) == label


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_examples_own_answers_are_what_detection_suggests(name):
    """Each example's build and command answers are the defaults detection gives for it."""
    root = EXAMPLES / name
    answers = load_answers(root / "tightship.yaml").data
    found = detect.runtime_defaults(root, answers["runtime"], answers["service"])
    assert found  # every example's folder suggests something
    for key, value in found.items():
        section, _, field = key.partition(".")
        given = answers.get(section, {}).get(field) if field else answers.get(section)
        assert given == value, key
    if name != "static":  # the static example is a go program built before the image
        expected = None if name == "generic" else answers["runtime"]
        assert (detect.detect(root).runtime or detect.Found(None, "")).value == expected
