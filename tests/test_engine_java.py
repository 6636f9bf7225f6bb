"""On a real engine: the Java example builds with Maven from its generated Dockerfile, with no
remote repository (the build image's Maven reads Debian's maven-repo; Maven Central is not
reachable here), runs its jar on the JRE image under the generated compose file and seccomp
profile, answers the host through a published 127.0.0.1 port, and `verify` proves every
property. Its one jar carries the third-party dependency the pom pins (Jackson databind, from
Debian's maven-repo), which writes its JSON answer. What the JVM calls, traced by
`seccomp learn`, is inside the static allow list, which stays small."""

from __future__ import annotations

import io
import json
import tarfile
import urllib.request
import zipfile
from xml.etree import ElementTree

import engine_support
import pytest
from cli_support import EXAMPLES, copy_example, run_cli
from compose_support import assert_every_property, build, get, project, verify_proofs
from test_engine_compose import free_port
from test_engine_services import render_into, repository

# one xdist worker runs the whole module: its module fixtures build under fixed names
pytestmark = [pytest.mark.engine, pytest.mark.xdist_group("engine-java")]

MOST_ALLOWED = 180  # the goal for any one service; Docker's default allows 361
PORT = free_port()
SETS = (repository("java"), f"run.publish={{8080: {PORT}}}")
GREETING = "Hello from hello-java!"
POM = {"m": "http://maven.apache.org/POM/4.0.0"}


def pinned_version(artifact: str) -> str:
    """The version the example's pom.xml pins for one dependency."""
    root = ElementTree.parse(EXAMPLES / "java" / "pom.xml").getroot()
    (version,) = [d.findtext("m:version", namespaces=POM)
                  for d in root.findall("m:dependencies/m:dependency", POM)
                  if d.findtext("m:artifactId", namespaces=POM) == artifact]
    return version


def get_json(url: str) -> tuple[int, str, object]:
    """Status, Content-Type and decoded body of a GET (get() has waited for the port)."""
    get(url)
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers["Content-Type"], json.loads(answer.read())


def jar_in(engine, image: str) -> zipfile.ZipFile:
    """/app/app.jar as the image holds it."""
    container = engine.containers.create(image, command=["true"])
    try:
        chunks, _ = container.get_archive("/app/app.jar")
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
            data = tar.extractfile("app.jar").read()
    finally:
        container.remove(force=True)
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture(scope="module")
def built(engine, engine_profile, tmp_path_factory):
    """The example, rendered with the engine's profile and built from its Dockerfile."""
    folder = copy_example("java", tmp_path_factory.mktemp("java"))
    svc = render_into(folder, engine_profile, *SETS)
    build(engine, folder, svc)
    return folder, svc


def allowed(profile_text: str) -> set[str]:
    return {name for rule in json.loads(profile_text)["syscalls"]
            if rule["action"] == "SCMP_ACT_ALLOW" for name in rule["names"]}


def test_java_example_serves_the_host_and_verifies(engine, engine_profile, built):
    folder, svc = built
    assert "seccomp=./seccomp.json" in svc["security_opt"]
    with project(engine, folder, "java") as compose:
        compose("up", "-d", "--no-build")
        container = compose.container(engine)
        engine_support.wait_healthy(container, timeout=180)
        status, kind, body = get_json(f"http://127.0.0.1:{PORT}/")
        assert (status, kind, body["message"]) == (200, "application/json", GREETING)
        assert get(f"http://127.0.0.1:{PORT}/healthz") == (200, b"ok")
        # the final stage holds the jar and the JRE: no Maven, no compiler
        for tool in ("mvn", "javac"):
            assert container.exec_run(["sh", "-c", f"command -v {tool}"])[0] != 0, tool
    assert_every_property(verify_proofs(folder, engine_profile, *SETS), ["/tmp"])
    assert len(allowed((folder / "seccomp.json").read_text())) <= MOST_ALLOWED


def test_the_jar_is_the_one_maven_built_from_the_sources(engine, built):
    """The image's jar names its main class and holds the example's classes, built for 21."""
    _, svc = built
    with jar_in(engine, svc["image"]) as jar:
        assert "Main-Class: com.example.hello.App" in jar.read("META-INF/MANIFEST.MF").decode()
        klass = jar.read("com/example/hello/App.class")
    assert klass[:4] == b"\xca\xfe\xba\xbe"
    assert int.from_bytes(klass[6:8], "big") == 65  # the class file version of Java 21


def test_the_jar_runs_the_jackson_release_the_pom_pins(engine, built):
    """The one jar holds Jackson databind at the version pom.xml pins (and the jackson-core it
    needs), and the running service's JSON names that release: Jackson wrote the answer."""
    _, svc = built
    pinned = pinned_version("jackson-databind")
    with jar_in(engine, svc["image"]) as jar:
        names = set(jar.namelist())
        properties = jar.read("META-INF/maven/com.fasterxml.jackson.core/jackson-databind/"
                              "pom.properties").decode().splitlines()
    assert f"version={pinned}" in properties
    assert {"com/fasterxml/jackson/databind/ObjectMapper.class",
            "com/fasterxml/jackson/core/JsonFactory.class"} <= names
    port = free_port()
    with engine_support.run_container(engine, svc["image"], network_mode="bridge",
                                      ports={"8080/tcp": ("127.0.0.1", port)}, read_only=True,
                                      tmpfs={"/tmp": ""}, cap_drop=["ALL"]):
        status, kind, body = get_json(f"http://127.0.0.1:{port}/")
    assert (status, kind) == (200, "application/json")
    assert body == {"message": GREETING, "jackson": pinned}


def test_what_the_jvm_calls_is_inside_the_static_profile(engine_profile, built, tmp_path):
    """`seccomp learn` traces the server, its health checks and an HTTP client JVM: every
    syscall it keeps is one the generated (static) profile allows already."""
    folder, svc = built
    learned = tmp_path / "learned.json"
    result = run_cli("seccomp", "learn", "--image", svc["image"], "--answers",
                     str(folder / "tightship.yaml"), "--profile", str(engine_profile),
                     "--run-seconds", "15", "--exercise",
                     "java -XX:TieredStopAtLevel=1 -jar /app/app.jar -healthcheck",
                     "--out", str(learned))
    assert result.code == 0, result.out + result.err
    static = allowed((folder / "seccomp.json").read_text())
    assert sorted(allowed(learned.read_text()) - static) == []
