import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.js';

let server;
let base;

before(async () => {
  server = createApp().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test('healthz answers 200 ok', async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'ok\n');
});

test('echo returns the message and refuses a body without one', async () => {
  const good = await fetch(`${base}/echo`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"hi"}',
  });
  assert.deepEqual(await good.json(), { message: 'hi', length: 2 });
  const bad = await fetch(`${base}/echo`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(bad.status, 400);
});

test('unknown paths are 404 and the framework is not advertised', async () => {
  const response = await fetch(`${base}/nope`);
  assert.equal(response.status, 404);
  assert.equal(response.headers.get('x-powered-by'), null);
});
