// The service on port 80 (PORT overrides it). Stops cleanly on SIGTERM.
import { createApp } from './app.js';

const port = Number.parseInt(process.env.PORT ?? '80', 10);
const server = createApp({ version: process.env.APP_VERSION }).listen(port, '0.0.0.0', () => {
  console.log(`express-pnpm listening on 0.0.0.0:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
