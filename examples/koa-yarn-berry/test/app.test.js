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

test('greet answers for a name and refuses markup', async () => {
  assert.deepEqual(await (await fetch(`${base}/greet/Ada`)).json(), { greeting: 'hello, Ada' });
  assert.equal((await fetch(`${base}/greet/%3Cscript%3E`)).status, 400);
});

test('a wrong method is 405, not 404', async () => {
  assert.equal((await fetch(`${base}/healthz`, { method: 'DELETE' })).status, 405);
});
