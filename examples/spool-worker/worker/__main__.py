"""python -m worker: polls the spool folder until SIGTERM or SIGINT."""
import signal
import sys
import time

import structlog
from pydantic import ValidationError

from worker import heartbeat, jobs
from worker.settings import Settings, SettingsError

structlog.configure(processors=[
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.JSONRenderer(),
])
log = structlog.get_logger()


def main() -> int:
    try:
        settings = Settings.from_environment()
    except SettingsError as exc:
        print(f"worker: error: {exc}", file=sys.stderr)
        return 2
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    settings.results_dir.mkdir(parents=True, exist_ok=True)
    log.info("worker started", spool=str(settings.spool_dir), results=str(settings.results_dir))
    while not stopping:
        heartbeat.beat(settings.heartbeat_file)
        for path in jobs.pending(settings.spool_dir):
            try:
                job_id = jobs.process(path, settings.results_dir)
            except ValidationError as exc:
                log.warning(f"rejected job file {path.name}", errors=exc.error_count())
            except OSError as exc:
                log.error(f"cannot process {path.name}", error=str(exc))
            else:
                log.info(f"processed job {job_id}")
        time.sleep(settings.poll_seconds)
    log.info("worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
