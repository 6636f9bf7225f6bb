"""Java: the build command (Maven or Gradle) runs in the JDK stage; a JRE image runs the jar."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.runtimes import Runtime, frameworks_of
from generator.runtimes.project import Found, pom, pom_text
from generator.runtimes.steps import (
    Step,
    copy_built_artifact,
    copy_in,
    exec_form,
    extra_steps,
    secret_mounts,
    secret_note,
)

SETTINGS = "/root/.m2/settings.xml"  # Maven's user settings, read by mvn and ./mvnw alike


def _mirror(spec: Any) -> tuple[list[Step], str]:
    """The profile's Maven mirror as a build-stage settings.xml; its credentials a secret."""
    index = spec.tools.index("maven")
    if not index:
        return [], ""
    # The URL is https://host[:port]/path of [A-Za-z0-9._~%/+-] (the profile's schema): no
    # quote, so it sits inside single quotes; printf's %s keeps a % in it literal.
    settings = ("<settings><mirrors><mirror><id>organisation-mirror</id>"
                f"<mirrorOf>*</mirrorOf><url>{index['url']}</url></mirror></mirrors></settings>")
    step = Step(f"RUN mkdir -p /root/.m2 && printf '%s\\n' '{settings}' > {SETTINGS}",
                "the organisation's Maven mirror (profile package_indexes.maven): every "
                "repository through it; not secret")
    mount = (f"--mount=type=secret,id={index['credentials']},target={SETTINGS} "
             if index.get("credentials") else "")
    return [step], mount


def build_steps(spec: Any, workdir: str) -> list[Step]:
    steps, mirror_mount = _mirror(spec)
    steps += [Step(copy_in(dep), "build files first, so their layer is cached")
              for dep in spec.dependencies]
    steps += [Step(copy_in(src)) for src in spec.sources]
    note = secret_note(spec) or (" (B09: the mirror's settings with credentials are mounted "
                                 "for this step only)" if mirror_mount else "")
    steps.append(Step(f"RUN {mirror_mount}{secret_mounts(spec)}"
                      f"{exec_form(spec.build_command or ())}",
                      "B06: the JDK and build tool stay in this stage" + note))
    return steps + extra_steps(spec)


def detect_version(root: Path) -> Found | None:
    found = pom(root)
    if found is not None:
        for key in ("maven.compiler.release", "java.version", "maven.compiler.source"):
            value = pom_text(found, "properties", key)
            if value and re.match(r"^\d+$", value):
                return Found(value, "pom.xml")
    return None


def defaults(root: Path, service: str) -> dict[str, Any]:
    gradle = next((n for n in ("build.gradle", "build.gradle.kts") if (root / n).is_file()),
                  None)
    if gradle and not (root / "pom.xml").is_file():
        deps = [gradle] + [n for n in ("settings.gradle", "settings.gradle.kts")
                           if (root / n).is_file()]
        wrapper = (root / "gradlew").is_file()
        command = (["./gradlew", "--no-daemon", "-q", "build", "-x", "test"] if wrapper
                   else ["gradle", "--no-daemon", "-q", "build", "-x", "test"])
        if wrapper:
            deps += ["gradlew", "gradle/"]
        artifact = "build/libs/app.jar"
    else:
        deps = ["pom.xml"]
        wrapper = (root / "mvnw").is_file()
        command = ["./mvnw" if wrapper else "mvn", "-B", "-q", "-DskipTests", "package"]
        if wrapper:
            deps += ["mvnw", ".mvn/"]
        found = pom(root)
        final = pom_text(found, "build", "finalName") if found is not None else None
        artifact_id = pom_text(found, "artifactId") if found is not None else None
        version = pom_text(found, "version") if found is not None else None
        if final and "$" not in final:
            artifact = f"target/{final}.jar"
        elif artifact_id and version and "$" not in artifact_id + version:
            artifact = f"target/{artifact_id}-{version}.jar"
        else:
            artifact = "target/app.jar"
    jar = f"/app/{artifact.rsplit('/', 1)[-1]}"
    sources = ["src/"] if (root / "src").is_dir() else []
    return {"build.dependencies": deps, "build.sources": sources, "build.command": command,
            "build.artifact": artifact, "command": run_jar(jar),
            "healthcheck.command": [*HEALTH_JVM, "-jar", jar, "-healthcheck"]}


# Each health check starts a second JVM: C1 only and the serial GC start it fastest under a
# CPU limit, and at half a CPU it still needs several seconds: the check has 20 s, and the
# service 30 s to start.
HEALTH_JVM = ("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
HEALTH_TIMING = (("timeout", "20s"), ("start_period", "30s"))


def run_jar(path: str) -> list[str]:
    return ["java", "-jar", path]


RUNTIME = Runtime(
    name="java", order=40, built=True,
    build_steps=build_steps, final_copies=copy_built_artifact,
    build_workdir="/src",
    required_build=("command", "artifact"),
    slow_start=True,
    seccomp_groups=("jvm",),
    apparmor_exec=("/usr/{,local/}bin/java", "/usr/lib/jvm/**/bin/java",
                   "/opt/java/openjdk/bin/java"),
    apparmor_map=("/usr/lib/jvm/**", "/opt/java/**"),
    markers=("pom.xml", "build.gradle", "build.gradle.kts"), marker_rank=1,
    dependencies_hint="pom.xml or the Gradle files",
    asks=frozenset({"build.dependencies", "build.sources", "build.command", "build.artifact"}),
    health_flag=True, health_timing=HEALTH_TIMING, artifact_runs_as=run_jar,
    detect_version=detect_version, defaults=defaults, frameworks=frameworks_of("java"),
)
