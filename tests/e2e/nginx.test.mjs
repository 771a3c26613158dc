// nginx from Debian's source package (ports/nginx: its "bin" flavour, unmodified, with
// Debian's nginx.conf and default site) in the full image: a master process and its
// workers on epoll, accept4 and sendfile, serving static files to host clients (curl,
// Node's http) through --publish and to sendHttpRequest, and a graceful stop on SIGQUIT.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { boot, fullRootfsPath } from '../../host/dist/api.js';
import { wasmux } from './helpers.mjs';

const numbers = Array.from({ length: 40000 }, (_, i) => `${i + 1}\n`).join(''); // seq 1 40000
const pages = `seq 1 40000 > /var/www/html/numbers.txt && echo hello > /var/www/html/hello.txt`;

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

function get(port, path, headers = {}) {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        const body = [];
        res.on('data', (d) => body.push(d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(body) }));
      })
      .on('error', () => resolve(undefined));
  });
}

test('nginx serves static files to host clients through --publish: master and workers, epoll, accept4, sendfile', async () => {
  const port = await freePort();
  const guest = spawn(wasmux, ['sh', '--image', 'full', '--publish', `${port}:80`, '-c', `${pages} && exec nginx -g 'daemon off;'`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, WASMUX_TRACE: '1' },
  });
  let trace = '';
  guest.stderr.on('data', (d) => (trace += d));
  const exit = new Promise((r) => guest.on('close', (code, signal) => r({ code, signal })));
  // Refused until the workers listen: the client tries again.
  let hello;
  for (let tries = 0; tries < 300 && hello === undefined; tries++) {
    hello = await get(port, '/hello.txt');
    if (hello === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(hello?.status, 200);
  assert.equal(hello.body.toString(), 'hello\n');
  assert.equal(hello.headers.server, 'nginx/1.22.1');
  const curl = await new Promise((resolve) =>
    execFile('curl', ['-sS', '--max-time', '20', `http://127.0.0.1:${port}/numbers.txt`], { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      resolve({ error, stdout, stderr }),
    ),
  );
  assert.equal(curl.stderr, '');
  assert.equal(curl.stdout, numbers);
  const index = await get(port, '/', { 'accept-encoding': 'gzip' });
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-encoding'], 'gzip'); // Debian's "gzip on"
  assert.match(zlib.gunzipSync(index.body).toString(), /<title>Welcome to nginx!<\/title>/);
  assert.equal((await get(port, '/missing')).status, 404);
  const many = await Promise.all(Array.from({ length: 20 }, () => get(port, '/hello.txt')));
  assert.deepEqual(many.map((r) => r?.status), Array(20).fill(200));

  guest.kill('SIGQUIT'); // on to nginx's master: a graceful stop
  const { code } = await exit;
  assert.equal(code, 0);
  // Who made a call, from the trace's "[tid] name(args) = result" lines (with a result
  // above 0 when asked).
  const callers = (call, positive = false) =>
    new Set(
      [...trace.matchAll(new RegExp(`^\\[(\\d+)\\] ${call}\\(.* = (-?\\d+)`, 'gm'))]
        .filter((m) => !positive || Number(m[2]) > 0)
        .map((m) => m[1]),
    );
  const master = [...callers('rt_sigsuspend')];
  const workers = callers('epoll_pwait');
  assert.ok(workers.size >= 1, 'workers wait in epoll_pwait');
  for (const m of master) assert.ok(!workers.has(m), 'the master only supervises');
  for (const t of callers('accept4')) assert.ok(workers.has(t), 'workers accept with accept4');
  const senders = callers('sendfile', true);
  assert.ok(senders.size >= 1 && [...senders].every((t) => workers.has(t)), 'workers send files with sendfile');
  assert.match(trace, /^\[\d+\] setuid\(33\) = 0$/m); // workers run as www-data
});

test('nginx answers sendHttpRequest through the kernel, with no host socket', async () => {
  const w = await boot({ rootfs: fullRootfsPath });
  try {
    const nginx = w.spawnGuest('/bin/sh', ['sh', '-c', `${pages} && exec nginx -g 'daemon off;'`], {});
    for (let tries = 0; tries < 300 && !w.pickListenerTarget(80); tries++) await new Promise((r) => setTimeout(r, 25));
    const res = await w.sendHttpRequest(80, { path: '/numbers.txt' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], String(numbers.length));
    assert.equal(Buffer.from(res.body).toString(), numbers);
    assert.equal((await w.sendHttpRequest(80, { path: '/missing' })).status, 404);
    w.kill(nginx.pid, 3);
    const end = await nginx.wait();
    assert.equal(end.exitCode, 0);
  } finally {
    await w.shutdown();
  }
});
