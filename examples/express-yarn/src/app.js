// Routes only; src/server.js listens. A small in-memory counter service.
const express = require('express');
const morgan = require('morgan');

function createApp({ log = true } = {}) {
  const app = express();
  const counters = new Map();
  app.disable('x-powered-by');
  if (log) app.use(morgan('combined'));

  app.get('/healthz', (req, res) => res.type('text/plain').send('ok\n'));
  app.post('/counters/:name', (req, res) => {
    if (!/^[a-z0-9-]{1,40}$/.test(req.params.name)) {
      return res.status(400).json({ error: 'counter names are [a-z0-9-], at most 40' });
    }
    const value = (counters.get(req.params.name) ?? 0) + 1;
    counters.set(req.params.name, value);
    return res.json({ name: req.params.name, value });
  });
  app.get('/counters/:name', (req, res) => {
    if (!counters.has(req.params.name)) return res.status(404).json({ error: 'no such counter' });
    return res.json({ name: req.params.name, value: counters.get(req.params.name) });
  });
  return app;
}

module.exports = { createApp };
