// Listens on PORT (default 8080); stops cleanly on SIGTERM.
const { createApp } = require('./app');

const port = Number.parseInt(process.env.PORT || '8080', 10);
const server = createApp().listen(port, '0.0.0.0', () => {
  console.log(`express-yarn listening on 0.0.0.0:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
