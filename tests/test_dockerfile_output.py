"""What the generated Dockerfile and .dockerignore say, read back with real parsers."""

from __future__ import annotations

import io
import json
import re

import pytest
from cli_support import EXAMPLE_NAMES, copy_example, run_cli
from docker.utils.build import exclude_paths
from dockerfile_parse import DockerfileParser

from generator.render.pipeline import render_service
from generator.render.profiles import load_profile

DIGEST_FROM = re.compile(r"^\S+:[\w.-]+@sha256:[0-9a-f]{64}( AS \w+)?$")


def parsed(name: str, *sets: str) -> tuple[DockerfileParser, dict[str, str]]:
    from cli_support import EXAMPLES
    files = render_service(EXAMPLES / name / "tightship.yaml", "default", sets)
    parser = DockerfileParser(fileobj=io.BytesIO())
    parser.content = files["Dockerfile"]
    return parser, files


def values(parser: DockerfileParser, instruction: str) -> list[str]:
    return [i["value"] for i in parser.structure if i["instruction"] == instruction]


def final_stage(parser: DockerfileParser) -> list[dict]:
    starts = [n for n, i in enumerate(parser.structure) if i["instruction"] == "FROM"]
    return parser.structure[starts[-1]:]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_from_is_pinned_by_digest_and_keeps_its_tag(name):  # B01
    parser, _ = parsed(name)
    froms = values(parser, "FROM")
    assert froms and all(DIGEST_FROM.match(f) for f in froms), froms
    profile = load_profile("default")
    allowed = {img.pinned_ref for img in profile.images.values()}
    assert {f.split(" AS ")[0] for f in froms} <= allowed  # B02: only approved images


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_last_user_is_numeric_and_not_root(name):  # B03
    parser, _ = parsed(name)
    user = values(parser, "USER")[-1]
    uid, gid = user.split(":")
    assert int(uid) >= 10001 or int(uid) == 65532
    assert int(gid) == int(uid)


@pytest.mark.parametrize("name", ["python", "node", "go", "java"])
def test_compiled_runtimes_build_in_a_separate_stage(name):  # B06, B10
    parser, _ = parsed(name)
    assert len(values(parser, "FROM")) == 2
    final = final_stage(parser)
    copies = [i["value"] for i in final if i["instruction"] == "COPY"]
    assert copies and all(c.startswith("--from=build") for c in copies), copies
    assert not [i for i in final if i["instruction"] == "RUN" and
                re.search(r"pip install|npm ci|go build|mvn", i["value"])]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_add_no_secret_env_healthcheck_in_exec_form(name):  # B07, B08, B09
    parser, _ = parsed(name)
    assert not values(parser, "ADD")
    assert not [k for k in parser.envs if re.search("PASS|SECRET|TOKEN|KEY", k, re.I)]
    health = values(parser, "HEALTHCHECK")[-1]
    flags, _, argv = health.partition(" CMD ")
    assert all(f in flags for f in ("--interval=", "--timeout=", "--retries="))
    assert isinstance(json.loads(argv), list)
    assert isinstance(json.loads(values(parser, "CMD")[-1]), list)  # B12: exec form


def test_apt_installs_in_one_layer_without_recommends_and_with_pins():  # B04, B05
    parser, _ = parsed("generic")
    runs = [r for r in values(parser, "RUN") if "apt-get" in r]
    assert len(runs) == 1
    run = runs[0]
    assert re.search(r"apt-get update\s+&& apt-get install -y --no-install-recommends busybox",
                     run)
    assert run.index("rm -rf /var/lib/apt/lists/*") > run.index("apt-get install")
    assert "--allow-unauthenticated" not in run and "--force-yes" not in run


def test_profile_package_pins_are_applied(tmp_path):  # B04
    profile = tmp_path / "pinned.yaml"
    profile.write_text("name: pinned\nextends: default\n"
                       "package_pins: {busybox: '1:1.35.0-4+deb12u1+b1'}\n")
    service = copy_example("generic", tmp_path)
    assert run_cli("render", "--profile", str(profile), "--force", cwd=service).code == 0
    text = (service / "Dockerfile").read_text()
    assert "busybox=1:1.35.0-4+deb12u1+b1" in text
    assert "hadolint ignore=DL3008" not in text  # nothing left unpinned


def test_only_declared_ports_are_exposed():  # B11
    parser, _ = parsed("python", "ports=[8080, 9090]")
    assert values(parser, "EXPOSE") == ["8080 9090"]


def test_oci_labels_include_the_base_digest():  # B13
    parser, _ = parsed("node")
    labels = parser.labels
    profile = load_profile("default")
    base = profile.runtimes["node"][profile.versions("node")[0]].run  # the default: node 24
    assert labels["org.opencontainers.image.base.digest"] == base.digest
    assert labels["org.opencontainers.image.source"] == "https://github.com/example/hello-node"
    assert labels["org.opencontainers.image.version"] == "1.0.0"
    assert "org.opencontainers.image.revision" in labels


def test_build_secrets_are_mounted_not_stored():  # B09
    parser, files = parsed("python", "build.secrets=[pip_token]")
    install = [r for r in values(parser, "RUN") if "pip install" in r][0]
    assert install.startswith("--mount=type=secret,id=pip_token ")
    assert "pip_token" not in "".join(values(parser, "ENV") + values(parser, "ARG"))


def test_hardening_lines_name_their_checklist_items():
    _, files = parsed("python")
    ids = set(re.findall(r"\bB\d\d\b", files["Dockerfile"]))
    assert {"B01", "B03", "B06", "B07", "B10", "B11", "B12", "B13"} <= ids


def context_files(tmp_path, name: str) -> set[str]:
    """The build context Docker would send, by the Docker SDK's own .dockerignore rules."""
    service = copy_example(name, tmp_path)
    assert run_cli("render", "--force", cwd=service).code == 0
    for planted in (".env", ".git/config", "id_rsa", "app/.env", "app/key.pem",
                    "app/__pycache__/x.pyc", "notes/todo.txt"):
        (service / planted).parent.mkdir(parents=True, exist_ok=True)
        (service / planted).write_text("x")
    patterns = [line for line in (service / ".dockerignore").read_text().splitlines()
                if line and not line.startswith("#")]
    return set(exclude_paths(str(service), patterns, dockerfile="Dockerfile"))


def test_dockerignore_lets_in_only_what_the_build_copies(tmp_path):  # B09, B10
    sent = context_files(tmp_path, "python")
    assert "requirements.txt" in sent and "app/__main__.py" in sent
    for kept_out in (".env", ".git/config", "id_rsa", "app/.env", "app/key.pem",
                     "app/__pycache__/x.pyc", "notes/todo.txt", "tightship.yaml"):
        assert kept_out not in sent
