"""Reading the YAML files tightship wrote, the way their consumers read them.

libyaml (PyYAML's C loader) is the parser many deployment tools build on, and it reads YAML 1.1:
a string written bare that 1.1 takes as something else (yes, on, 0755, 12:30) comes back as a
changed value and fails the test. It also reads about ten times faster than a pure-Python
parser, which the inner test loop feels.
"""

from __future__ import annotations

from typing import Any

import yaml


def read_yaml(text: str) -> Any:
    """The one document of `text` as plain data."""
    return yaml.load(str(text), Loader=yaml.CSafeLoader)


def read_yaml_all(text: str) -> list[Any]:
    """Every document of `text` as plain data."""
    return list(yaml.load_all(str(text), Loader=yaml.CSafeLoader))
