// Listens on PORT (default 8080); stops cleanly on SIGTERM.
import { createApp } from './app.js';

const port = Number.parseInt(process.env.PORT ?? '8080', 10);
const server = createApp().listen(port, '0.0.0.0', () => {
  console.log(`ts-api listening on 0.0.0.0:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
