const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { createApp } = require('../src/app');

let server;
let base;

before(async () => {
  server = createApp({ log: false }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test('healthz answers 200 ok', async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'ok\n');
});

test('a counter counts up and reads back', async () => {
  await fetch(`${base}/counters/visits`, { method: 'POST' });
  const second = await fetch(`${base}/counters/visits`, { method: 'POST' });
  assert.deepEqual(await second.json(), { name: 'visits', value: 2 });
  const read = await fetch(`${base}/counters/visits`);
  assert.deepEqual(await read.json(), { name: 'visits', value: 2 });
});

test('bad names are 400 and unknown counters 404', async () => {
  assert.equal((await fetch(`${base}/counters/Bad_Name`, { method: 'POST' })).status, 400);
  assert.equal((await fetch(`${base}/counters/never`)).status, 404);
});
