"""`tightship update`: a new profile reaches a service whose team edited its generated files.

The python example is rendered with the default profile; its team adds a RUN step to the
Dockerfile, an annotation to the Deployment and an environment entry to compose.yaml; then the
ops team's profile moves the base image to a new digest and lowers the memory limit.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from cli_support import EXAMPLES, copy_example, run_cli
from ruamel.yaml import YAML

from generator.render.pipeline import load_spec

NEW_DIGEST = "sha256:" + "1" * 64
TEAM_DIGEST = "sha256:" + "2" * 64
RUN_STEP = "RUN python3 -m compileall -q app\n"
ANNOTATION = "    team.example.com/owner: payments\n"
ENVIRONMENT = "    environment:\n      FEATURE_FLAGS: beta\n"



def python_image() -> tuple[str, dict]:
    """The profile key and entry of the image the python example runs on by default."""
    spec, profile = load_spec(EXAMPLES / "python" / "tightship.yaml", "default")
    return spec.run_image.key, dict(profile.data["images"][spec.run_image.key])


KEY, IMAGE = python_image()
REF = IMAGE["ref"]
OPS_PROFILE = f"""\
name: ops-next
extends: default
images:
  {KEY}:
    ref: {REF}
    digest: {NEW_DIGEST}
    pinned: '2026-12-01'
    shell: {str(IMAGE.get("shell", False)).lower()}
    packages: {IMAGE.get("packages", "none")}
limits:
  default: {{memory: 128Mi}}
"""


def yaml_of(path: Path):
    return YAML(typ="safe").load(path.read_text())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def insert_after(path: Path, anchor: str, text: str, count: int = 1) -> None:
    body = path.read_text()
    assert anchor in body, f"{anchor!r} not in {path}"
    path.write_text(body.replace(anchor, anchor + text, count))


def edit_like_a_team(service: Path) -> None:
    insert_after(service / "Dockerfile", "COPY app/ ./app/\n", RUN_STEP)
    insert_after(service / "k8s" / "deployment.yaml", "  annotations:\n", ANNOTATION)
    body = (service / "compose.yaml").read_text()
    (service / "compose.yaml").write_text(body.replace("    expose:\n",
                                                       ENVIRONMENT + "    expose:\n", 1))


@pytest.fixture
def ops(tmp_path) -> Path:
    path = tmp_path / "ops-next.yaml"
    path.write_text(OPS_PROFILE)
    return path


@pytest.fixture
def service(tmp_path) -> Path:
    """The python example, rendered with the default profile, then edited by its team."""
    folder = copy_example("python", tmp_path)
    assert run_cli("render", cwd=folder).code == 0
    edit_like_a_team(folder)
    return folder


def old_digest(service: Path) -> str:
    record = json.loads((service / ".tightship" / "rendered.json").read_text())
    return re.search(r"@(sha256:[0-9a-f]{64})", "".join(record["files"]["Dockerfile"]))[1]


def test_update_keeps_the_edits_and_brings_the_new_digest_and_limit(service, ops):
    before = old_digest(service)
    result = run_cli("update", "--profile", str(ops), cwd=service)
    assert result.code == 0, result.err

    dockerfile = (service / "Dockerfile").read_text()
    assert RUN_STEP in dockerfile
    assert dockerfile.count(f"@{NEW_DIGEST} AS ") == 2  # both stages
    assert f'base.digest="{NEW_DIGEST}"' in dockerfile
    assert before not in dockerfile

    compose = yaml_of(service / "compose.yaml")["services"]["hello-python"]
    assert compose["environment"] == {"FEATURE_FLAGS": "beta"}
    assert (compose["mem_limit"], compose["memswap_limit"]) == ("128m", "128m")

    deployment = yaml_of(service / "k8s" / "deployment.yaml")
    assert deployment["metadata"]["annotations"]["team.example.com/owner"] == "payments"
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["limits"]["memory"] == "128Mi"

    lines = result.out.splitlines()
    assert "    merge  Dockerfile" in lines and "    merge  k8s/deployment.yaml" in lines
    assert "  replace  k8s/service.yaml" in lines  # untouched: simply replaced
    assert "identical  seccomp.json" in lines

    check = run_cli("check", "--profile", str(ops), ".", cwd=service)
    assert check.code == 0, check.out
    assert run_cli("render", "--check", "--profile", str(ops), cwd=service).code == 0
    again = run_cli("update", "--profile", str(ops), cwd=service)
    assert again.code == 0 and "merge" not in again.out and "replace" not in again.out


def test_the_record_is_this_render_byte_for_byte_and_travels_with_the_repository(
        tmp_path, service, ops):
    elsewhere = tmp_path / "another-machine" / "hello-python"
    shutil.copytree(service, elsewhere)  # a clone: the record is all update needs
    assert run_cli("update", "--profile", str(ops), cwd=elsewhere).code == 0
    fresh = copy_example("python", tmp_path / "fresh")
    assert run_cli("render", "--profile", str(ops), cwd=fresh).code == 0
    record = ".tightship/rendered.json"
    assert (elsewhere / record).read_bytes() == (fresh / record).read_bytes()
    assert RUN_STEP.strip() not in (elsewhere / record).read_text()  # the render, not the edit


def test_render_check_tells_up_to_date_needs_update_and_drifted(service, ops):
    clean = run_cli("render", "--check", cwd=service)
    assert clean.code == 0, clean.out
    assert "       ok  Dockerfile  (edits kept)" in clean.out.splitlines()

    before = tree(service)
    pending = run_cli("render", "--check", "--diff", "--profile", str(ops), cwd=service)
    assert pending.code == 4, pending.out
    assert "needs update" in pending.out and "tightship update" in pending.out
    assert "+    mem_limit: 128m" in pending.out
    assert tree(service) == before  # --check writes nothing
    assert run_cli("update", "--check", "--profile", str(ops), cwd=service).code == 4
    assert tree(service) == before

    dockerfile = service / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER 10001:10001", "USER root"))
    line = dockerfile.read_text().splitlines().index("USER root") + 1
    drifted = run_cli("render", "--check", "--profile", str(ops), cwd=service)
    assert drifted.code == 1, drifted.out
    assert f"Dockerfile:{line}: the edit on this line breaks TS-B03 (high)" in drifted.out
    assert "drifted" in drifted.out


def test_an_edit_that_breaks_a_rule_is_named_and_nothing_is_written(service, ops):
    insert_after(service / "Dockerfile", RUN_STEP, "ADD app/ ./extra/\n")
    line = (service / "Dockerfile").read_text().splitlines().index("ADD app/ ./extra/") + 1
    before = tree(service)
    result = run_cli("update", "--profile", str(ops), cwd=service)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert f"Dockerfile:{line}: the edit on this line breaks TS-B08 (medium)" in result.err
    assert "nothing was written" in result.err
    assert tree(service) == before


def team_pins_their_own_final_image(service: Path) -> int:
    """The team changed the same FROM line the profile changes; returns its line number."""
    path = service / "Dockerfile"
    lines = path.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.endswith(" AS final\n"))
    lines[number] = f"FROM {REF}@{TEAM_DIGEST} AS final\n"
    path.write_text("".join(lines))
    compose = service / "compose.yaml"
    compose.write_text(compose.read_text().replace("mem_limit: 256m", "mem_limit: 512m"))
    return number + 1


def test_a_conflicting_edit_is_marked_named_and_exits_1(service, ops):
    line = team_pins_their_own_final_image(service)
    seen = run_cli("render", "--check", "--profile", str(ops), cwd=service)
    assert seen.code == 1
    assert (f" conflict  Dockerfile  (line {line}: the edits and this render change the same "
            "lines)") in seen.out.splitlines()

    result = run_cli("update", "--profile", str(ops), cwd=service)
    assert result.code == 1, result.err

    text = (service / "Dockerfile").read_text()
    marker = text.splitlines().index("<<<<<<< Dockerfile (on disk)") + 1
    assert f"conflict: Dockerfile:{marker}: the edits and this render" in result.out
    compose_text = (service / "compose.yaml").read_text()
    compose_marker = compose_text.splitlines().index("<<<<<<< compose.yaml (on disk)") + 1
    assert f"conflict: compose.yaml:{compose_marker}:" in result.out
    assert "2 file(s) in conflict" in result.out
    block = text[text.index("<<<<<<<"):text.index(">>>>>>>")]
    assert f"@{TEAM_DIGEST} AS final" in block and f"@{NEW_DIGEST} AS final" in block
    assert f"@{NEW_DIGEST} AS build" in text  # the line the team left alone: merged
    assert RUN_STEP in text

    # every other file is whole and up to date; no temporary file is left behind
    deployment = yaml_of(service / "k8s" / "deployment.yaml")
    assert deployment["metadata"]["annotations"]["team.example.com/owner"] == "payments"
    assert not [p for p in service.rglob("*") if p.name.endswith(".tmp")]

    unresolved = run_cli("render", "--check", "--profile", str(ops), cwd=service)
    assert unresolved.code == 1
    assert f"Dockerfile  (line {marker}: a conflict is not resolved yet)" in unresolved.out
    before = tree(service)
    again = run_cli("update", "--profile", str(ops), cwd=service)
    assert again.code == 1 and f"not resolved yet at Dockerfile:{marker}" in again.err
    assert tree(service) == before  # nothing is merged into a file still in conflict

    # the team keeps its own pin and the ops team's memory limit
    def keep(side: str, body: str) -> str:
        pattern = r"<<<<<<< .*?\n(.*?)\|\|\|\|\|\|\| .*?\n.*?=======\n(.*?)>>>>>>> .*?\n"
        return re.sub(pattern, lambda m: m[1] if side == "ours" else m[2], body, flags=re.S)

    (service / "Dockerfile").write_text(keep("ours", text))
    (service / "compose.yaml").write_text(keep("theirs", compose_text))
    resolved = run_cli("render", "--check", "--profile", str(ops), cwd=service)
    assert resolved.code == 0, resolved.out
    assert run_cli("check", "--profile", str(ops), ".", cwd=service).code == 0


def test_conflicts_can_go_to_rej_files_instead(service, ops):
    line = team_pins_their_own_final_image(service)
    result = run_cli("update", "--profile", str(ops), "--conflict", "rej", cwd=service)
    assert result.code == 1
    text = (service / "Dockerfile").read_text()
    assert "<<<<<<<" not in text
    assert text.splitlines()[line - 1] == f"FROM {REF}@{TEAM_DIGEST} AS final"
    rejected = (service / "Dockerfile.rej").read_text()
    assert f"+FROM {REF}@{NEW_DIGEST} AS final\n" in rejected
    assert f"conflicts with Dockerfile:{line} on disk" in rejected
    assert f"conflict: Dockerfile:{line}:" in result.out and "Dockerfile.rej" in result.out
    assert (service / "compose.yaml.rej").exists()
    assert run_cli("check", "--profile", str(ops), ".", cwd=service).code == 0


def test_without_a_record_every_difference_is_a_conflict(service, ops):
    shutil.rmtree(service / ".tightship")
    result = run_cli("update", "--profile", str(ops), cwd=service)
    assert result.code == 1
    assert "no record of the last render" in result.out
    assert "<<<<<<< Dockerfile (on disk)" in (service / "Dockerfile").read_text()
    assert (service / ".tightship" / "rendered.json").exists()  # the next update can merge


def test_a_broken_record_is_bad_input_in_one_line(service, ops):
    record = service / ".tightship" / "rendered.json"
    record.write_text("{ not json\n")
    before = tree(service)
    result = run_cli("update", "--profile", str(ops), cwd=service)
    assert result.code == 2
    assert result.err.startswith(f"tightship: error: {Path('.tightship/rendered.json')}:1: ")
    assert result.err.count("\n") == 1
    assert tree(service) == before


def test_render_without_force_points_to_update(service):
    result = run_cli("render", "--set", "healthcheck.interval=5s", cwd=service)
    assert result.code == 1
    assert "`tightship update` merges" in result.err
    assert RUN_STEP in (service / "Dockerfile").read_text()


def test_files_rendered_before_the_record_existed_need_one_update(tmp_path):
    folder = copy_example("python", tmp_path)
    assert run_cli("render", cwd=folder).code == 0
    shutil.rmtree(folder / ".tightship")
    result = run_cli("render", "--check", cwd=folder)
    assert result.code == 4
    assert "nothing records this render yet" in result.out
    assert run_cli("update", cwd=folder).code == 0
    assert run_cli("render", "--check", cwd=folder).code == 0
