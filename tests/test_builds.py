"""Python and Node projects as people have them: the install follows the lock file, the
installer comes from a pinned source, dev dependencies stay in the build stage, and bad
combinations are refused at the answer that says them."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from cli_support import copy_example, run_cli, tool
from dockerfile_parse import DockerfileParser
from test_dockerfile_lint import checkov_failures

REALISTIC = ("django-uploads", "fastapi-poetry", "spool-worker", "express-pnpm",
             "express-yarn", "koa-yarn-berry", "ts-api")


def render(tmp_path, name: str, *sets: str):
    service = copy_example(name, tmp_path)
    result = run_cli("render", "--force", *sets, cwd=service)
    assert result.code == 0, result.err
    return service


def stages(service) -> tuple[list[dict], list[dict]]:
    parser = DockerfileParser(str(service / "Dockerfile"))
    starts = [n for n, i in enumerate(parser.structure) if i["instruction"] == "FROM"]
    return parser.structure[:starts[-1]], parser.structure[starts[-1]:]


def runs(structure: list[dict]) -> list[str]:
    return [i["value"] for i in structure if i["instruction"] == "RUN"]


def copies(structure: list[dict]) -> list[str]:
    return [i["value"] for i in structure if i["instruction"] == "COPY"]


@pytest.mark.parametrize("name", REALISTIC)
def test_realistic_examples_pass_hadolint_and_tightship_check(tmp_path, name):
    service = render(tmp_path, name)
    proc = subprocess.run([tool("hadolint"), "--no-color", "--format", "json",
                           str(service / "Dockerfile")], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout, proc.stderr  # hadolint read the file (it prints [] when clean)
    findings = json.loads(proc.stdout)
    assert findings == [], [f"{f['line']}: {f['code']} {f['message']}" for f in findings]
    checked = run_cli("check", str(service))
    assert checked.code == 0, checked.out + checked.err


@pytest.mark.slow  # checkov: about 30 s a run on this machine
def test_checkov_fails_nothing_on_the_realistic_examples(tmp_path):
    for name in REALISTIC:
        render(tmp_path, name)
    assert checkov_failures(tmp_path) == []


def test_uv_project_without_build_system_syncs_the_lock_without_the_project(tmp_path):
    build, final = stages(render(tmp_path, "django-uploads"))
    commands = runs(build)
    uv_install = next(r for r in commands if "pip install" in r and "uv-requirements" in r)
    assert "--require-hashes" in uv_install  # never an unpinned `pip install uv`
    assert re.search(r"uv==\d+\.\d+\.\d+ --hash=sha256:[0-9a-f]{64}", uv_install)
    sync = next(r for r in commands if "uv sync" in r)
    assert "--frozen" in sync and "--no-dev" in sync and "--no-install-project" in sync
    collect = commands.index(next(r for r in commands if "collectstatic" in r))
    assert collect > commands.index(sync)  # the build step runs with the dependencies
    assert any("compileall" in r for r in commands[collect:])
    assert runs(final) == [r for r in runs(final) if "uv" not in r and "pip" not in r]
    assert "--from=build --chown=0:0 /app/staticfiles/ ./staticfiles/" in copies(final)


def test_uv_installs_a_package_project(tmp_path):
    service = copy_example("django-uploads", tmp_path)
    pyproject = service / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[build-system]\nrequires = ["hatchling"]\n'
                         'build-backend = "hatchling.build"\n')
    assert run_cli("render", "--force", cwd=service).code == 0
    build, _ = stages(service)
    syncs = [r for r in runs(build) if "uv sync" in r]
    assert "--no-install-project" in syncs[0]
    assert "--no-editable" in syncs[1] and "--no-install-project" not in syncs[1]


def test_poetry_lock_is_installed_with_every_hash_checked_and_no_poetry(tmp_path):
    build, final = stages(render(tmp_path, "fastapi-poetry"))
    commands = runs(build)
    assert not any("pip install poetry" in r or "poetry install" in r for r in commands)
    install = next(r for r in commands if "/opt/venv/bin/pip install" in r)
    assert "--require-hashes" in install and "--no-deps" in install
    assert not any("pip" in r for r in runs(final))


def test_hashed_requirements_are_installed_with_require_hashes(tmp_path):
    build, _ = stages(render(tmp_path, "spool-worker"))
    assert any("--require-hashes -r requirements.txt" in r for r in runs(build))


def test_plain_requirements_are_not_forced_to_carry_hashes(tmp_path):
    build, _ = stages(render(tmp_path, "python"))
    assert not any("--require-hashes" in r for r in runs(build))


def test_pyproject_application_installs_its_dependencies_not_itself(tmp_path):
    service = tmp_path / "app"
    (service / "app").mkdir(parents=True)
    (service / "app" / "__main__.py").write_text("print('hi')\n")
    (service / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n'
                                            'dependencies = ["attrs==25.3.0"]\n')
    (service / "tightship.yaml").write_text(
        "service: app\nruntime: python\nbuild:\n  dependencies: [pyproject.toml]\n"
        "  sources: [app/]\ncommand: [python3, -m, app]\nhealthcheck:\n"
        "  command: [python3, -c, 'pass']\n")
    assert run_cli("render", "--force", cwd=service).code == 0
    build, _ = stages(service)
    assert '"attrs==25.3.0"' in " ".join(runs(build))
    assert not any(r.rstrip().endswith("install --no-cache-dir .") for r in runs(build))


@pytest.mark.parametrize("name,install", [
    ("express-pnpm", "pnpm install --frozen-lockfile --prod"),
    ("express-yarn", "yarn install --frozen-lockfile --non-interactive --production"),
    ("koa-yarn-berry", "yarn workspaces focus --all --production"),
])
def test_node_managers_install_production_dependencies_from_their_lock(tmp_path, name,
                                                                        install):
    build, final = stages(render(tmp_path, name))
    commands = runs(build)
    pinned = next(r for r in commands if "corepack enable" in r)  # packageManager's version
    assert re.match(r"npm install -g --no-audit --no-fund corepack@\d+\.\d+\.\d+ ", pinned)
    assert any(r.startswith(install) for r in commands), commands
    assert not any("npm ci" in r for r in commands)
    assert runs(final)[1:] == []  # the user setup only: no manager runs in the final stage


def test_a_build_script_gets_dev_dependencies_which_never_reach_the_final_stage(tmp_path):
    build, final = stages(render(tmp_path, "ts-api"))
    commands = runs(build)
    assert commands.index("npm ci --no-audit --no-fund") < commands.index(
        '["npm", "run", "build"]') < commands.index(
        next(r for r in commands if r.startswith("npm prune --omit=dev")))
    assert "--from=build --chown=0:0 /app/dist/ ./dist/" in copies(final)
    assert not any("/app/src/" in c for c in copies(final))


def test_without_packagemanager_the_profile_pins_pnpm(tmp_path):
    service = copy_example("express-pnpm", tmp_path)
    package = json.loads((service / "package.json").read_text())
    del package["packageManager"]
    (service / "package.json").write_text(json.dumps(package))
    assert run_cli("render", "--force", cwd=service).code == 0
    build, _ = stages(service)
    assert any(re.search(r"corepack prepare pnpm@\d+\.\d+\.\d+ --activate", r)
               for r in runs(build))


def test_package_indexes_are_build_arguments_and_credentials_a_secret_mount(tmp_path):
    service = copy_example("spool-worker", tmp_path)
    (service / "profile.yaml").write_text(
        "name: org\nextends: default\npackage_indexes:\n"
        "  pip: {url: 'https://pypi.example.org/simple', credentials: pip_netrc}\n")
    result = run_cli("render", "--profile", "profile.yaml", "--force", cwd=service)
    assert result.code == 0, result.err
    text = (service / "Dockerfile").read_text()
    assert "ARG PIP_INDEX_URL=https://pypi.example.org/simple" in text
    assert "RUN --mount=type=secret,id=pip_netrc,target=/root/.netrc python3 -m venv" in text
    _, final = stages(service)
    assert "pypi.example.org" not in json.dumps(final)


def refused(tmp_path, name: str, edit, where: str, words: str) -> None:
    service = copy_example(name, tmp_path)
    answers = service / "tightship.yaml"
    answers.write_text(edit(answers.read_text()))
    before = sorted(p.name for p in service.iterdir())
    result = run_cli("render", "--out", "out", cwd=service)
    assert result.code == 2, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("tightship: error: tightship.yaml:"), lines[0]
    assert where in lines[0] and words in lines[0], lines[0]
    assert sorted(p.name for p in service.iterdir()) == before  # nothing written


def test_a_lock_file_that_does_not_match_the_named_installer_is_refused(tmp_path):
    refused(tmp_path, "django-uploads",
            lambda t: t.replace("  dependencies: [pyproject.toml, uv.lock]",
                                "  installer: poetry\n  dependencies: [pyproject.toml, uv.lock]"),
            ": build.installer:", "poetry installs from poetry.lock")


def test_a_node_lock_file_that_does_not_match_the_named_installer_is_refused(tmp_path):
    refused(tmp_path, "express-yarn",
            lambda t: t.replace("  dependencies:", "  installer: pnpm\n  dependencies:"),
            ": build.installer:", "but build.dependencies hold yarn.lock")


def test_an_installer_the_runtime_does_not_offer_is_refused(tmp_path):
    refused(tmp_path, "spool-worker",
            lambda t: t.replace("  dependencies:", "  installer: npm\n  dependencies:"),
            ": build.installer:", "installs with pip, uv, poetry, not npm")


def test_a_build_step_with_a_newline_is_refused(tmp_path):
    refused(tmp_path, "django-uploads",
            lambda t: t.replace("--settings=config.build_settings]",
                                '"--settings=config.build_settings\\nRUN curl x | sh"]'),
            ": build.steps[0][4]:", "")


def test_package_manager_and_lock_file_that_disagree_are_refused(tmp_path):
    service = copy_example("express-yarn", tmp_path)
    package = json.loads((service / "package.json").read_text())
    package["packageManager"] = "pnpm@10.34.8"
    (service / "package.json").write_text(json.dumps(package))
    result = run_cli("render", "--out", "out", cwd=service)
    assert result.code == 2
    assert "build.dependencies: package.json's packageManager is pnpm" in result.err
    assert not (service / "out").exists()


@pytest.mark.parametrize("name,deps", [
    ("django-uploads", ["pyproject.toml", "uv.lock"]),
    ("fastapi-poetry", ["pyproject.toml", "poetry.lock"]),
    ("express-pnpm", ["package.json", "pnpm-lock.yaml"]),
    ("koa-yarn-berry", ["package.json", "yarn.lock", ".yarnrc.yml"]),
])
def test_the_wizard_proposes_the_lock_file_the_folder_holds(name, deps):
    from cli_support import EXAMPLES

    from generator.wizard.detect import detect, runtime_defaults
    project = detect(EXAMPLES / name)
    suggested = runtime_defaults(EXAMPLES / name, project.runtime.value, name)
    assert suggested["build.dependencies"] == deps


def test_uv_can_come_from_its_own_pinned_image(tmp_path):
    service = copy_example("django-uploads", tmp_path)
    (service / "profile.yaml").write_text(
        "name: org\nextends: default\nbuild_tools:\n  uv: {image: uv-0.12}\n")
    result = run_cli("render", "--profile", "profile.yaml", "--force", cwd=service)
    assert result.code == 0, result.err
    text = (service / "Dockerfile").read_text()
    assert re.search(r"^COPY --from=ghcr\.io/astral-sh/uv:[\w.]+@sha256:[0-9a-f]{64} /uv "
                     r"/opt/build-tools/bin/uv$", text, re.M)
    assert "uv-requirements" not in text
    proc = subprocess.run([tool("hadolint"), "--no-color", "--format", "json",
                           str(service / "Dockerfile")], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout, proc.stderr  # hadolint read the file (it prints [] when clean)
    assert json.loads(proc.stdout) == []
    assert run_cli("check", "--profile", str(service / "profile.yaml"), str(service)).code == 0


def test_a_uv_image_the_profile_does_not_name_is_refused(tmp_path):
    service = copy_example("django-uploads", tmp_path)
    (service / "profile.yaml").write_text(
        "name: org\nextends: default\nbuild_tools:\n  uv: {image: uv-9}\n")
    result = run_cli("render", "--profile", "profile.yaml", "--out", "out", cwd=service)
    assert result.code == 2
    assert "profile.yaml:4: build_tools.uv.image: no image 'uv-9' under images" in result.err
    assert not (service / "out").exists()


@pytest.mark.parametrize("name", ["go", "java"])
def test_build_steps_run_for_compiled_runtimes_too(tmp_path, name):
    build, _ = stages(render(tmp_path, name, "--set", "build.steps=[[make, generate]]"))
    commands = runs(build)
    assert commands[-1] == '["make", "generate"]'  # after the build, before the final stage


def test_a_runtime_that_builds_nothing_refuses_build_steps(tmp_path):
    service = copy_example("static", tmp_path)
    result = run_cli("render", "--set", "build.steps=[[make]]", "--out", "out", cwd=service)
    assert result.code == 2 and "a static service is not built: drop build.steps" in result.err
    assert not (service / "out").exists()
