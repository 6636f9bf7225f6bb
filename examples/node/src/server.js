'use strict';

// hello-node: GET / greets, GET /healthz answers "ok". Listens on 0.0.0.0 and
// the port in PORT (8080 by default), logs to stdout, exits cleanly on SIGTERM.

const http = require('http');

const port = Number.parseInt(process.env.PORT || '8080', 10);

function log(message) {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

function reply(res, status, body) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    reply(res, 200, 'ok');
  } else if (req.method === 'GET' && req.url === '/') {
    reply(res, 200, 'Hello from hello-node!\n');
  } else {
    reply(res, 404, 'not found\n');
  }
  log(`${req.socket.remoteAddress} "${req.method} ${req.url}" ${res.statusCode}`);
});

function stop(signal) {
  log(`received ${signal}, shutting down`);
  server.close(() => {
    log('stopped');
    process.exit(0);
  });
  // Idle keep-alive connections would hold close() open: drop them.
  if (typeof server.closeIdleConnections === 'function') {
    server.closeIdleConnections();
  }
  // Do not wait for slow clients longer than a few seconds.
  setTimeout(() => process.exit(0), 5000).unref();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(port, '0.0.0.0', () => {
  log(`listening on 0.0.0.0:${port}`);
});
