"""`tightship new`, driven through prompt_toolkit's pipe input (no terminal): a full run of
each runtime, the conditional questions, validation retries, going back from the summary,
conflicts, and aborting at any point with nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, run_cli
from test_wizard_support import (
    CTRL_C,
    DOWN,
    ENTER,
    EOF,
    MENU,
    PICK,
    REPLACE,
    SPACE,
    Scripted,
    drive,
    pipe_session,
    tree,
    typed,
)

from generator.render.answers import load_answers
from generator.render.pipeline import render_service
from generator.wizard.answers_file import ANSWERS_FILE
from generator.wizard.questions import BY_KEY

# Each example's keys, typed where detection cannot know them (names, labels, env, secrets),
# so that the wizard must write the example's own answers.
RUNTIME_INDEX = {"python": 0, "node": 1, "go": 2, "java": 3, "static": 4, "generic": 5}


def example_script(name: str) -> dict:
    answers = load_answers(EXAMPLES / name / "tightship.yaml").data
    script = {"service": typed(answers["service"]),
              "labels.source": typed(answers["labels"]["source"]),
              "labels.version": typed(answers["labels"]["version"])}
    if name == "static":  # its go.mod makes it look like a go project
        script["runtime"] = DOWN * 2 + ENTER
    if name == "generic":  # nothing to detect: the profile's first runtime is suggested
        script["runtime"] = DOWN * 5 + ENTER
        script["command"] = typed("busybox httpd -f -v -p 8080 -h /app/www")
        script["healthcheck.command"] = typed(
            "busybox wget -q -O /dev/null http://127.0.0.1:8080/healthz")
        script["packages.run"] = typed("busybox")
    if name == "python":
        script["env"] = typed("LOG_LEVEL=info")
        script["secrets"] = typed("api_token")
    return script


def fresh_example(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    (root / ANSWERS_FILE).unlink()
    return root


def assert_render_reproduces(root: Path, profile: str = "default") -> None:
    """What the wizard wrote is what `render --answers` makes of its answers, byte for byte."""
    files = render_service(root / ANSWERS_FILE, profile)
    for relative, text in files.items():
        assert (root / relative).read_bytes() == text.encode(), relative


ASKED = {
    "python": ["service", "runtime", "version", "build.dependencies", "build.sources", "command", "ports",
               "_health", "healthcheck.http", "packages.run", "packages.build", "writable", "volumes",
               "env", "secrets", "capabilities", "run.user_namespaces", "labels.source", "labels.version"],
    "node": ["service", "runtime", "version", "build.dependencies", "build.sources", "command", "ports",
             "_health", "healthcheck.http", "packages.run", "packages.build", "writable", "volumes",
             "env", "secrets", "capabilities", "run.user_namespaces", "labels.source", "labels.version"],
    # distroless final image: no package manager, no HTTP client
    "go": ["service", "runtime", "version", "build.dependencies", "build.sources", "command", "ports",
           "healthcheck.command", "packages.build", "writable", "env", "secrets",
           "capabilities", "run.user_namespaces", "labels.source", "labels.version"],
    "java": ["service", "runtime", "version", "build.dependencies", "build.sources", "build.command",
             "build.artifact", "command", "ports", "healthcheck.command", "packages.run",
             "packages.build", "writable", "volumes", "env", "secrets", "capabilities", "run.user_namespaces", "labels.source",
             "labels.version"],
    # nothing is built: no build questions but the artifact, no build packages
    "static": ["service", "runtime", "version", "build.artifact", "command", "ports",
               "healthcheck.command", "writable", "env", "secrets", "capabilities",
               "run.user_namespaces", "labels.source", "labels.version"],
    "generic": ["service", "runtime", "version", "build.sources", "command", "ports",
                "healthcheck.command", "packages.run", "writable", "volumes", "env", "secrets",
                "capabilities", "run.user_namespaces", "labels.source", "labels.version"],
}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_full_run_of_each_runtime_writes_the_examples_answers(tmp_path, name):
    root = fresh_example(name, tmp_path)
    wizard, result = drive(root, example_script(name))
    assert result.written
    assert [k for k in wizard.asked if not k.startswith("@")] == ASKED[name]
    assert wizard.asked[-1] == MENU  # one summary, then "Write"
    written = load_answers(root / ANSWERS_FILE).data
    assert written == load_answers(EXAMPLES / name / ANSWERS_FILE).data
    assert_render_reproduces(root)
    assert result.planned and {p.relative for p in result.planned} <= set(tree(root))
    # The summary came before anything was written, and named each file's fate.
    said = wizard.said
    assert "Summary: tightship.yaml" in said and "What the files do:" in said
    assert "  create     Dockerfile" in said


def test_all_keys_typed_ahead_at_once_also_work(tmp_path):
    """No per-prompt feeding: every key of a whole run is in the pipe before it starts."""
    import io

    from generator.wizard.prompt import Wizard

    root = fresh_example("node", tmp_path)
    with pipe_session() as pipe:
        pipe.send_text(typed("orders") + ENTER * 18 + ENTER)  # one per question, then write
        result = Wizard(root, "default", io.StringIO()).run()
    assert result.written
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["service"] == "orders" and answers["runtime"] == "node"
    assert_render_reproduces(root)


def test_the_health_check_branch_follows_the_answer(tmp_path):
    """python: choosing a command instead of an HTTP path asks for the command, not a path."""
    root = fresh_example("python", tmp_path)
    wizard, result = drive(root, {"_health": DOWN + ENTER,
                                  "healthcheck.command": typed("python3 -m app --health")})
    assert "healthcheck.command" in wizard.asked and "healthcheck.http" not in wizard.asked
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["healthcheck"] == {"command": ["python3", "-m", "app", "--health"]}
    assert_render_reproduces(root)


def test_several_ports_ask_which_one_is_probed(tmp_path):
    root = fresh_example("node", tmp_path)
    wizard, _ = drive(root, {"ports": typed("8080, 9090"), "healthcheck.port": DOWN + ENTER})
    assert "healthcheck.port" in wizard.asked
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["ports"] == [8080, 9090]
    assert answers["healthcheck"] == {"http": "/healthz", "port": 9090}


def test_the_version_is_asked_only_when_the_profile_offers_several(tmp_path):
    digest = "sha256:" + "a" * 64
    profile = tmp_path / "two-pythons.yaml"
    profile.write_text(
        "name: two-pythons\nextends: default\n"
        "images:\n  python-3.11:\n    ref: python:3.11-slim-bookworm\n"
        f"    digest: {digest}\n    pinned: '2026-11-01'\n    shell: true\n"
        "    packages: apt\n"
        "runtimes:\n  python:\n    '3.13': {build: python-3.13, run: python-3.13}\n"
        "    '3.11': {build: python-3.11, run: python-3.11}\n")
    root = fresh_example("python", tmp_path)
    (root / ".python-version").write_text("3.11.9\n")
    wizard, result = drive(root, {}, profile=str(profile))
    assert "version" in wizard.asked
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["version"] == "3.11"  # .python-version picked the default
    assert "--profile" in (root / ANSWERS_FILE).read_text()
    assert_render_reproduces(root, str(profile))
    assert "python:3.11-slim-bookworm@" + digest in (root / "Dockerfile").read_text()
    one_node = tmp_path / "one-node.yaml"
    one_node.write_text("name: one-node\nextends: default\n"
                        "runtimes:\n  node:\n    '24': {build: node-24, run: node-24}\n")
    node = fresh_example("node", tmp_path / "n")
    wizard, _ = drive(node, {}, profile=str(one_node))
    assert "version" not in wizard.asked


def test_a_refused_answer_stays_with_the_schemas_message_until_fixed(tmp_path):
    root = fresh_example("python", tmp_path)
    wizard, result = drive(root, {"service": typed("My_API") + typed("my-api"),
                                  "ports": typed("8080, 70000") + typed("http") + typed("8080"),
                                  "command": typed("python3 -c 'unclosed") + typed("python3")})
    verdicts = {(key, text): verdict for key, text, _, verdict in wizard.checked}
    assert verdicts[("service", "My_API")].startswith("service: 'My_API' is not valid: ")
    assert verdicts[("service", "my-api")] is True
    assert verdicts[("ports", "8080, 70000")] == (
        "ports[1]: 70000 is greater than the maximum of 65535")
    assert verdicts[("ports", "http")] == "'http' is not a port number"
    assert "close the quote" in verdicts[("command", "python3 -c 'unclosed")]
    assert result.written
    answers = load_answers(root / ANSWERS_FILE).data
    assert (answers["service"], answers["ports"], answers["command"]) == (
        "my-api", [8080], ["python3"])


def test_a_rule_across_answers_sends_the_user_back_to_the_answer(tmp_path):
    """build_spec's rules run on the whole answers before the summary; the question the error
    names is asked again, with the message."""
    root = fresh_example("node", tmp_path)
    wizard, result = drive(root, {"build.dependencies": [
        typed("package-lock.json"), typed("package.json, package-lock.json")]})
    assert wizard.asked.count("build.dependencies") == 2
    assert ("! build.dependencies: a node service's dependencies must include package.json"
            in wizard.said)
    assert result.written
    assert load_answers(root / ANSWERS_FILE).data["build"]["dependencies"] == [
        "package.json", "package-lock.json"]


def test_going_back_from_the_summary_changes_an_answer_and_what_hangs_on_it(tmp_path):
    root = fresh_example("python", tmp_path)
    wizard, result = drive(root, {
        MENU: [DOWN + ENTER, ENTER],  # "Change an answer", then "Write"
        PICK: ["ports"],
        "ports": [ENTER, typed("443")],
        "capabilities": [ENTER, ENTER],  # none suggested, none added
    })
    asked = wizard.asked
    back = asked.index(PICK)
    # After the new port: the health check and the capabilities are asked again.
    assert asked[back + 1:] == ["ports", "_health", "healthcheck.http", "capabilities", MENU]
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["ports"] == [443]
    # A port below 1024 needs no capability: the sysctl lets the non-root user bind it.
    assert not answers.get("capabilities")
    compose = (root / "compose.yaml").read_text()
    assert "cap_add" not in compose
    assert 'net.ipv4.ip_unprivileged_port_start: "443"' in compose
    assert_render_reproduces(root)


def test_going_back_to_the_runtime_asks_its_questions_again_with_fresh_defaults(tmp_path):
    root = fresh_example("python", tmp_path)
    (root / "package.json").write_text('{"name": "x", "main": "app/main.js"}')
    wizard, result = drive(root, {MENU: [DOWN + ENTER, ENTER], PICK: ["runtime"],
                                  "runtime": [ENTER, DOWN + ENTER]})
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["runtime"] == "node"
    assert answers["build"]["dependencies"] == ["package.json"]
    assert answers["command"] == ["node", "app/main.js"]
    assert_render_reproduces(root)


def test_an_unchanged_answer_asks_nothing_else(tmp_path):
    root = fresh_example("go", tmp_path)
    wizard, _ = drive(root, {MENU: [DOWN + ENTER, ENTER], PICK: ["service"]})
    back = wizard.asked.index(PICK)
    assert wizard.asked[back + 1:] == ["service", MENU]


def test_back_to_the_summary_without_changing_anything(tmp_path):
    root = fresh_example("go", tmp_path)
    wizard, result = drive(root, {MENU: [DOWN + ENTER, ENTER], PICK: [None]})
    assert wizard.asked[-2:] == [PICK, MENU] and result.written


def test_capabilities_are_chosen_with_a_reason(tmp_path):
    root = fresh_example("go", tmp_path)
    wizard, _ = drive(root, {"capabilities": SPACE + ENTER + typed("x") + typed(
        "serves DNS on port 53")})
    verdicts = [(value, verdict) for key, _, value, verdict in wizard.checked
                if key == "capabilities"]
    assert verdicts[0] == ({"NET_BIND_SERVICE": "x"},
                           "capabilities.NET_BIND_SERVICE: 'x' is too short")
    assert verdicts[-1] == ({"NET_BIND_SERVICE": "serves DNS on port 53"}, True)
    answers = load_answers(root / ANSWERS_FILE).data
    assert answers["capabilities"] == {"NET_BIND_SERVICE": "serves DNS on port 53"}


def test_cancel_writes_nothing(tmp_path):
    root = fresh_example("go", tmp_path)
    before = tree(root)
    wizard, result = drive(root, {MENU: DOWN * 2 + ENTER})
    assert not result.written
    assert tree(root) == before


@pytest.mark.parametrize("at", ["service", "ports", "capabilities", "labels.version", MENU])
def test_ctrl_c_anywhere_writes_nothing(tmp_path, at):
    root = fresh_example("python", tmp_path)
    before = tree(root)
    with pytest.raises(KeyboardInterrupt):
        drive(root, {at: CTRL_C})
    assert tree(root) == before


@pytest.mark.parametrize("at", ["service", "command", "writable", MENU])
def test_end_of_input_anywhere_writes_nothing(tmp_path, at):
    root = fresh_example("python", tmp_path)
    before = tree(root)
    with pytest.raises(EOFError):
        drive(root, {at: EOF})
    assert tree(root) == before


def test_a_differing_file_is_shown_and_kept_unless_the_user_says_replace(tmp_path):
    root = fresh_example("python", tmp_path)
    (root / "Dockerfile").write_text("FROM scratch\n")
    wizard, result = drive(root, {
        MENU: [ENTER, DOWN + ENTER, DOWN * 3 + ENTER],  # diff, replace (declined), cancel
        REPLACE: ["n"],
    })
    assert not result.written
    assert "  conflict   Dockerfile  (differs from what would be written)" in wizard.said
    assert "-FROM scratch" in wizard.said  # the diff was shown
    assert (root / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (root / ANSWERS_FILE).exists()


def test_replacing_needs_a_yes(tmp_path):
    root = fresh_example("python", tmp_path)
    (root / "Dockerfile").write_text("FROM scratch\n")
    wizard, result = drive(root, {MENU: DOWN + ENTER, REPLACE: ["y"]})
    assert result.written and REPLACE in wizard.asked
    assert_render_reproduces(root)


def test_identical_files_are_left_alone(tmp_path):
    root = fresh_example("go", tmp_path)
    drive(root, {})
    stamps = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    wizard, result = drive(root, {})
    assert "Write" not in wizard.said and "  identical  Dockerfile" in wizard.said
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()} == stamps


def test_an_existing_answers_file_gives_the_defaults_and_keeps_unasked_keys(tmp_path):
    root = tmp_path / "python"
    shutil.copytree(EXAMPLES / "python", root)
    path = root / ANSWERS_FILE
    path.write_text(path.read_text() + "limits: {memory: 128Mi}\n"
                    "run:\n  publish: {8080: 18080}\n")
    before = load_answers(path).data
    wizard, result = drive(root, {MENU: DOWN + ENTER, REPLACE: ["y"]})
    assert load_answers(path).data == before
    assert "not asked: limits, run.publish" in wizard.said
    assert_render_reproduces(root)


def test_the_cli_reports_ctrl_c_and_end_of_input_in_one_line(tmp_path, monkeypatch):
    import generator.cli.project

    monkeypatch.setattr(generator.cli.project, "has_terminal", lambda: True)
    root = fresh_example("python", tmp_path)
    before = tree(root)
    with pipe_session() as pipe:
        pipe.send_text(ENTER * 3 + CTRL_C)
        result = run_cli("new", str(root))
    assert (result.code, result.err) == (130, "tightship: interrupted; nothing written\n")
    with pipe_session() as pipe:
        pipe.send_text(ENTER * 2)
        pipe.close()
        result = run_cli("new", str(root))
    assert (result.code, result.err) == (130, "tightship: end of input; nothing written\n")
    with pipe_session() as pipe:
        pipe.send_text(ENTER * 19 + DOWN * 2 + ENTER)  # ... "Cancel: write nothing"
        result = run_cli("new", str(root))
    assert result.code == 1 and result.out.endswith("nothing written\n")
    assert tree(root) == before


def test_the_cli_writes_and_says_how_to_render_again(tmp_path, monkeypatch):
    import generator.cli.project

    monkeypatch.setattr(generator.cli.project, "has_terminal", lambda: True)
    root = fresh_example("go", tmp_path)
    with pipe_session() as pipe:
        pipe.send_text(ENTER * 17)
        result = run_cli("new", str(root))
    assert result.code == 0, result.err
    assert f"   create  {root / 'Dockerfile'}" in result.out
    assert f"tightship render --answers {root / ANSWERS_FILE}" in result.out
    check = run_cli("render", "--answers", str(root / ANSWERS_FILE), "--check")
    assert check.code == 0, check.out


def test_a_folder_yet_to_be_written_gets_conventional_defaults(tmp_path):
    root = tmp_path / "new" / "Billing_API"
    wizard, result = drive(root, {})
    assert result.written
    answers = load_answers(root / ANSWERS_FILE).data
    assert (answers["service"], answers["runtime"]) == ("billing-api", "python")
    assert answers["build"] == {"dependencies": ["requirements.txt"]}
    assert_render_reproduces(root)


def test_the_strict_profile_offers_its_runtimes_and_no_capabilities(tmp_path):
    root = fresh_example("go", tmp_path)
    with pipe_session() as pipe:
        wizard = Scripted(root, pipe, {}, "strict")
        offered = [value for _, value in BY_KEY["runtime"].options(wizard.ctx)]
        result = wizard.run()
    assert "generic" not in offered
    assert "capabilities" not in wizard.asked
    assert result.written
    assert_render_reproduces(root, "strict")


def test_an_error_in_a_key_the_wizard_does_not_ask_offers_no_write(tmp_path):
    """run.publish (kept from the existing file) names port 8080; moving the service to 9090
    breaks it. The wizard cannot ask about run, so it says so and offers no write."""
    root = tmp_path / "python"
    shutil.copytree(EXAMPLES / "python", root)
    path = root / ANSWERS_FILE
    path.write_text(path.read_text() + "run:\n  publish: {8080: 18080}\n")
    before = path.read_text()
    wizard, result = drive(root, {
        "ports": [typed("9090"), typed("8080")],
        MENU: [ENTER, DOWN + ENTER],  # "Change an answer" (no write offered), then replace
        PICK: ["ports"], REPLACE: ["y"]})
    assert "! run.publish" in wizard.said
    assert "The wizard does not ask about run.publish" in wizard.said
    assert result.written
    assert load_answers(path).data == load_answers(EXAMPLES / "python" / ANSWERS_FILE).data | {
        "run": {"publish": {"8080": 18080}}}
    assert path.read_text() != before  # rewritten in the wizard's own layout


def test_the_port_of_an_existing_dockerfile_is_the_default(tmp_path):
    root = fresh_example("node", tmp_path)
    (root / "Dockerfile").write_text("FROM node:22\nEXPOSE 3000\nCMD [\"node\", \"x.js\"]\n")
    wizard, result = drive(root, {MENU: DOWN + ENTER, REPLACE: ["y"]})
    assert "Detected a node project (package.json) and port 3000 (Dockerfile)." in wizard.said
    assert load_answers(root / ANSWERS_FILE).data["ports"] == [3000]
    assert "EXPOSE 3000\n" in (root / "Dockerfile").read_text()
    assert_render_reproduces(root)


def test_a_version_the_existing_file_pins_is_asked_and_kept_as_written(tmp_path):
    root = tmp_path / "node"
    shutil.copytree(EXAMPLES / "node", root)
    path = root / ANSWERS_FILE
    path.write_text(path.read_text().replace("version: '24'\n", "version: 22\n"))
    before = load_answers(path).data
    one_node = tmp_path / "one-node.yaml"
    one_node.write_text("name: one-node\nextends: default\n"
                        "runtimes:\n  node:\n    '22': {build: node-22, run: node-22}\n")
    wizard, result = drive(root, {MENU: DOWN + ENTER, REPLACE: ["y"]}, profile=str(one_node))
    assert "version" in wizard.asked  # one version offered, but the file pinned it
    assert load_answers(path).data == before
    assert "version: 22\n" in path.read_text()


def test_every_question_shares_one_set_of_stock_key_bindings():
    """Building prompt_toolkit's ~600 stock bindings per question was half of a run's CPU."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.shortcuts import PromptSession

    with pipe_session():
        first, second = PromptSession("a?"), PromptSession("b?")
        assert first.app is not second.app
        assert first.app._default_bindings is second.app._default_bindings
        assert Application()._page_navigation_bindings is first.app._page_navigation_bindings
