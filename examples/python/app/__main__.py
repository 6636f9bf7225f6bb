"""Run the hello-python service: ``python3 -m app``.

Answers ``GET /healthz`` with ``ok`` and ``GET /`` with a greeting. Listens on
0.0.0.0 and the port in ``PORT`` (8080 by default), logs to stdout and exits
cleanly on SIGTERM or SIGINT.
"""

import logging
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("hello-python")


class Handler(BaseHTTPRequestHandler):
    def version_string(self):
        return "hello-python"

    def do_GET(self):
        if self.path == "/healthz":
            self._reply(200, "ok")
        elif self.path == "/":
            self._reply(200, "Hello from hello-python!\n")
        else:
            self._reply(404, "not found\n")

    def _reply(self, status, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        log.info("%s %s", self.address_string(), fmt % args)


def main():
    logging.basicConfig(
        stream=sys.stdout,
        level=getattr(logging, os.environ.get("LOG_LEVEL", "info").upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(message)s",
    )
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    server.daemon_threads = True

    def stop(signum, _frame):
        log.info("received %s, shutting down", signal.Signals(signum).name)
        # shutdown() waits for serve_forever() to return, so call it from another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    log.info("listening on 0.0.0.0:%d", port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
