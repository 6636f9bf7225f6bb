"""python -m worker.health: exit 0 while the worker's heartbeat file is fresh, 1 otherwise."""
import os
import sys

from worker import heartbeat
from worker.settings import heartbeat_file


def main() -> int:
    path = heartbeat_file()
    limit = float(os.environ.get("HEARTBEAT_MAX_AGE", "30"))
    try:
        age = heartbeat.age_seconds(path)
    except OSError:
        print(f"unhealthy: no heartbeat file {path}", file=sys.stderr)
        return 1
    if age > limit:
        print(f"unhealthy: last heartbeat {age:.0f}s ago (limit {limit:.0f}s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
