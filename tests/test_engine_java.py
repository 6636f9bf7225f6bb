"""On a real engine: the Java example builds with Maven from its generated Dockerfile, with no
remote repository (the build image's Maven reads Debian's maven-repo; Maven Central is not
reachable here), runs its jar on the JRE image under the generated compose file and seccomp
profile, answers the host through a published 127.0.0.1 port, and `verify` proves every
property. The JVM needs nothing beyond the static groups' allow list, which stays small."""

from __future__ import annotations

import json
import zipfile

import engine_support
import pytest
from cli_support import copy_example
from test_engine_compose import free_port
from test_engine_services import (
    assert_every_property,
    build,
    get,
    project,
    render_into,
    repository,
    verify_proofs,
)

pytestmark = pytest.mark.engine

MOST_ALLOWED = 180  # the goal for any one service; Docker's default allows about 370


def test_java_example_builds_offline_and_serves_the_host(engine, engine_profile, tmp_path):
    folder = copy_example("java", tmp_path)
    port = free_port()
    sets = [repository("java"), f"run.publish={{8080: {port}}}"]
    svc = render_into(folder, engine_profile, *sets)
    assert "seccomp=./seccomp.json" in svc["security_opt"]
    build(engine, folder, svc)
    with project(engine, folder, "java") as compose:
        compose("up", "-d", "--no-build")
        container = compose.container(engine)
        engine_support.wait_healthy(container, timeout=180)
        status, body = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and body == b"Hello from hello-java!\n"
        assert get(f"http://127.0.0.1:{port}/healthz") == (200, b"ok")
        # the final stage holds the jar and the JRE: no Maven, no JDK compiler
        for tool in ("mvn", "javac"):
            assert container.exec_run(["sh", "-c", f"command -v {tool}"])[0] != 0, tool
    assert_every_property(verify_proofs(folder, engine_profile, *sets), ["/tmp"])
    seccomp = json.loads((folder / "seccomp.json").read_text())
    allowed = {n for rule in seccomp["syscalls"] if rule["action"] == "SCMP_ACT_ALLOW"
               for n in rule["names"]}
    assert len(allowed) <= MOST_ALLOWED, len(allowed)


def test_the_jar_is_the_one_maven_built_from_the_sources(engine, engine_profile, tmp_path):
    """The image's jar names its main class and holds the example's classes, compiled for 21."""
    folder = copy_example("java", tmp_path)
    svc = render_into(folder, engine_profile, repository("java-jar"))
    build(engine, folder, svc)
    out = tmp_path / "app.jar"
    container = engine.containers.create(svc["image"], command=["true"])
    try:
        bits, _ = container.get_archive("/app/app.jar")
        import io
        import tarfile
        with tarfile.open(fileobj=io.BytesIO(b"".join(bits))) as tar:
            out.write_bytes(tar.extractfile("app.jar").read())
    finally:
        container.remove(force=True)
    with zipfile.ZipFile(out) as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode()
        assert "Main-Class: com.example.hello.App" in manifest
        klass = jar.read("com/example/hello/App.class")
    assert klass[:4] == b"\xca\xfe\xba\xbe"
    assert int.from_bytes(klass[6:8], "big") == 65  # class file version of Java 21
