// Routes only; src/server.js listens. Returns the Koa app so tests can serve it on any port.
import Router from '@koa/router';
import Koa from 'koa';

export function createApp() {
  const app = new Koa();
  const router = new Router();
  const started = Date.now();

  router.get('/healthz', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'ok\n';
  });
  router.get('/uptime', (ctx) => {
    ctx.body = { seconds: Math.floor((Date.now() - started) / 1000) };
  });
  router.get('/greet/:name', (ctx) => {
    if (!/^[A-Za-z][A-Za-z -]{0,39}$/.test(ctx.params.name)) {
      ctx.throw(400, 'names are letters, spaces and hyphens');
    }
    ctx.body = { greeting: `hello, ${ctx.params.name}` };
  });

  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
