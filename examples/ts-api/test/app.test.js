// Runs against the compiled output (npm test builds first), as the image does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp, toFahrenheit } from '../dist/app.js';

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

test('converts celsius and refuses a missing or non-numeric value', async () => {
  assert.deepEqual(await (await fetch(`${base}/convert?celsius=100`)).json(), { celsius: 100, fahrenheit: 212 });
  assert.equal((await fetch(`${base}/convert`)).status, 400);
  assert.equal((await fetch(`${base}/convert?celsius=warm`)).status, 400);
  assert.deepEqual(toFahrenheit(-40), { celsius: -40, fahrenheit: -40 });
});
