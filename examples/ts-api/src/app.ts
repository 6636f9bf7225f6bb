// Routes only; server.ts listens. Types keep the request and response shapes honest.
import express, { type Request, type Response } from 'express';

export interface Conversion {
  celsius: number;
  fahrenheit: number;
}

export function toFahrenheit(celsius: number): Conversion {
  return { celsius, fahrenheit: Math.round((celsius * 9 / 5 + 32) * 100) / 100 };
}

export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req: Request, res: Response) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/convert', (req: Request, res: Response) => {
    const celsius = Number(req.query.celsius);
    if (typeof req.query.celsius !== 'string' || !Number.isFinite(celsius)) {
      res.status(400).json({ error: 'give ?celsius=<number>' });
      return;
    }
    res.json(toFahrenheit(celsius));
  });
  return app;
}
