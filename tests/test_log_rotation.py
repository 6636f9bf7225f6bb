"""R07: compose rotates each service's logs with the profile's size and count, docker-compose
accepts the setting, and `check` reports a compose service whose logs grow without bound."""

from __future__ import annotations

import pytest
from cli_support import EXAMPLE_NAMES, EXAMPLES, run_cli
from test_compose import compose_config, write_rendered
from yaml_support import read_yaml

from generator.render.pipeline import render_service


def service_of(text: str) -> dict:
    (service,) = read_yaml(text)["services"].values()
    return service


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_service_rotates_its_logs_with_the_profile_defaults(name):
    files = render_service(EXAMPLES / name / "tightship.yaml", "default", [])
    assert service_of(files["compose.yaml"])["logging"] == {
        "driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}


def test_a_profile_sets_driver_size_and_count(tmp_path):
    profile = tmp_path / "logs.yaml"
    profile.write_text("name: logs\nextends: default\n"
                       "logging: {driver: local, max_size: 50m, max_file: 7}\n")
    files = render_service(EXAMPLES / "go" / "tightship.yaml", str(profile), [])
    assert service_of(files["compose.yaml"])["logging"] == {
        "driver": "local", "options": {"max-size": "50m", "max-file": "7"}}
    write_rendered(tmp_path / "out", files)
    result = compose_config(tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_a_bad_size_in_the_profile_is_one_line(tmp_path):
    profile = tmp_path / "logs.yaml"
    profile.write_text("name: logs\nextends: default\nlogging:\n  max_size: 10 MB\n")
    result = run_cli("render", "--answers", str(EXAMPLES / "go" / "tightship.yaml"),
                     "--profile", str(profile), "--out", str(tmp_path / "out"))
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "logs.yaml:4" in line and "logging.max_size" in line
    assert not (tmp_path / "out").exists()


def test_compose_tool_refuses_a_broken_logging_entry(tmp_path):
    """docker-compose reads the logging key: its acceptance of the generated one counts."""
    files = render_service(EXAMPLES / "go" / "tightship.yaml", "default", [])
    text = files["compose.yaml"]
    assert "      driver: json-file\n" in text
    files["compose.yaml"] = text.replace("      driver: json-file\n", "      driver: [1]\n")
    write_rendered(tmp_path, files)
    assert compose_config(tmp_path).returncode != 0


HOSTILE = {
    "none.yaml": "services:\n  web:\n    image: web:1\n",
    "no-size.yaml": "services:\n  web:\n    image: web:1\n    logging:\n"
                    "      driver: json-file\n      options:\n        max-file: '3'\n",
    "no-count.yaml": "services:\n  web:\n    image: web:1\n    logging:\n"
                     "      options:\n        max-size: 10m\n",
}
FINE = {
    "rotated.yaml": "services:\n  web:\n    image: web:1\n    logging:\n      driver: json-file\n"
                    "      options: {max-size: 10m, max-file: '3'}\n",
    "journald.yaml": "services:\n  web:\n    image: web:1\n    logging: {driver: journald}\n",
    "local.yaml": "services:\n  web:\n    image: web:1\n    logging: {driver: local}\n",
}


def rotation_findings(tmp_path, files: dict[str, str]) -> dict[str, list[dict]]:
    import json
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = run_cli("check", "--format", "json", *(str(tmp_path / n) for n in files))
    found = {name: [] for name in files}
    for finding in json.loads(result.out)["findings"]:
        if finding["rule"] == "TS-R07.2":
            found[finding["file"].rsplit("/", 1)[-1]].append(finding)
    return found


def test_check_reports_each_service_without_rotation(tmp_path):
    found = rotation_findings(tmp_path, HOSTILE)
    assert {name: len(hits) for name, hits in found.items()} == dict.fromkeys(HOSTILE, 1)
    assert found["none.yaml"][0]["line"] == 2  # the service's own key
    assert "no log rotation" in found["none.yaml"][0]["message"]
    assert "without max-size" in found["no-size.yaml"][0]["message"]
    assert "no max-file" in found["no-count.yaml"][0]["message"]


def test_check_passes_rotated_or_shipped_logs(tmp_path):
    assert rotation_findings(tmp_path, FINE) == dict.fromkeys(FINE, [])
