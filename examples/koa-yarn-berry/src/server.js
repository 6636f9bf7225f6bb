// Listens on PORT (default 3000); stops cleanly on SIGTERM.
import { createApp } from './app.js';

const port = Number.parseInt(process.env.PORT ?? '3000', 10);
const server = createApp().listen(port, '0.0.0.0', () => {
  console.log(`koa-yarn-berry listening on 0.0.0.0:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
