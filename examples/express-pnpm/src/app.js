// The routes, apart from listening, so tests can start the app on any port.
import express from 'express';

export function createApp({ version = '1.0.0' } = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));

  app.get('/healthz', (req, res) => res.type('text/plain').send('ok\n'));
  app.get('/', (req, res) => res.json({ service: 'express-pnpm', version }));
  app.post('/echo', (req, res) => {
    if (typeof req.body?.message !== 'string') {
      return res.status(400).json({ error: 'send {"message": "..."}' });
    }
    return res.json({ message: req.body.message, length: req.body.message.length });
  });
  app.use((req, res) => res.status(404).json({ error: 'not found' }));
  return app;
}
