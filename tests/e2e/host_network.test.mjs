// Host networking (issue 10, kernel/net/host_net.h): guests reach servers on the host (the
// host's loopback is 10.0.2.2 to them) by TCP and UDP and resolve names through the host;
// --publish makes a guest server reachable from the host; sendHttpRequest carries a request
// into a guest server through the kernel; --network=none leaves only loopback. Every
// server here listens on the host's 127.0.0.1 only.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { boot } from '../../host/dist/api.js';
import { spawn } from 'node:child_process';
import { program, programs, run, wasmux } from './helpers.mjs';

let httpServer, httpPort, udpServer, udpPort;
before(async () => {
  httpServer = http.createServer((req, res) => res.end(`host saw ${req.method} ${req.url} from ${req.socket.remoteAddress}\n`));
  await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
  httpPort = httpServer.address().port;
  udpServer = dgram.createSocket('udp4');
  udpServer.on('message', (m, r) => udpServer.send(Buffer.from(`echo:${m}`), r.port, r.address));
  await new Promise((r) => udpServer.bind(0, '127.0.0.1', r));
  udpPort = udpServer.address().port;
});
after(() => {
  httpServer.close();
  udpServer.close();
});

const sh = (script, options = []) => run(['sh', '--mount', `${programs}:/p`, ...options, '-c', script]);

test('a guest wget reaches a host server at 10.0.2.2 and at host.wasmux.internal', async () => {
  const r = await sh(`wget -q -O - http://10.0.2.2:${httpPort}/one && wget -q -O - http://host.wasmux.internal:${httpPort}/two`);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), 'host saw GET /one from 127.0.0.1\nhost saw GET /two from 127.0.0.1\n');
  assert.equal(r.code, 0);
});

test('names the guest does not know are resolved by the host through 10.0.2.3', async () => {
  // Without its /etc/hosts the guest asks its name server for "localhost": the host's
  // resolver says 127.0.0.1, which the guest reaches as 10.0.2.2 (its own loopback is not
  // the host's).
  const r = await sh(`rm /etc/hosts && wget -q -O - http://localhost:${httpPort}/dns && /p/udp_probe.wasm localhost ${udpPort} viadns`);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), `host saw GET /dns from 127.0.0.1\necho:viadns from 10.0.2.2\n`);
  const unknown = await sh('rm /etc/hosts && /p/udp_probe.wasm no-such-name.invalid 9 x');
  assert.match(unknown.stderr, /^udp_probe: no-such-name\.invalid: Name does not resolve\n$/);
  assert.equal(unknown.code, 1);
});

test('a guest exchanges UDP datagrams and a TCP stream with the host', async () => {
  const u = await run(['run', program('udp_probe'), '10.0.2.2', String(udpPort), 'ping']);
  assert.equal(u.stderr, '');
  assert.equal(u.stdout.toString(), 'echo:ping from 10.0.2.2\n');
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  try {
    const big = 'x'.repeat(300000); // more than a socket buffer: flow control both ways
    const r = await run(['sh', '-c', `nc 10.0.2.2 ${echo.address().port} | wc -c`], { input: big });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString().trim(), '300000');
  } finally {
    echo.close();
  }
});

test('a connection to a host port nobody listens on is refused', async () => {
  const closed = net.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  const r = await sh(`wget -q -O - http://10.0.2.2:${port}/`);
  assert.equal(r.stderr, "wget: can't connect to remote host (10.0.2.2): Connection refused\n");
  assert.equal(r.code, 1);
});

test('--network=none leaves only loopback: the host is unreachable', async () => {
  const r = await sh(`wget -q -O - http://10.0.2.2:${httpPort}/`, ['--network=none']);
  assert.equal(r.stderr, "wget: can't connect to remote host (10.0.2.2): Network unreachable\n");
  assert.equal(r.code, 1);
});

test('--publish: a host client reaches a guest server; a port in use is one line', async () => {
  const free = net.createServer();
  await new Promise((r) => free.listen(0, '127.0.0.1', r));
  const port = free.address().port;
  await new Promise((r) => free.close(r));
  const guest = spawn(wasmux, ['run', '--publish', `${port}:8080`, program('http_hello'), '8080', '1'], { stdio: 'ignore' });
  const guestEnd = new Promise((r) => guest.on('close', r));
  // The guest's server listens once it prints "ready"; until then the host's connection
  // is refused (nothing listens in the guest), so the client tries again.
  let body;
  for (let tries = 0; tries < 100 && body === undefined; tries++) {
    body = await new Promise((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/published' }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(`${res.statusCode} ${b}`));
      }).on('error', () => setTimeout(() => resolve(undefined), 100));
    });
  }
  assert.match(body, /^200 served by \d+ for \/published\n$/);
  guest.kill('SIGTERM'); // on to the guest's process group: the server ends, and wasmux
  await guestEnd;
  const taken = await run(['sh', '--publish', `${httpPort}:80`, '-c', 'echo not reached']);
  assert.equal(taken.stderr, `wasmux: --publish ${httpPort}:80: port ${httpPort} on 127.0.0.1 is already in use\n`);
  assert.equal(taken.stdout.toString(), '');
  assert.equal(taken.code, 1);
  const bad = await run(['sh', '--publish', '80', '-c', 'true']);
  assert.equal(bad.stderr, 'wasmux: --publish 80: expected [ADDR:]HOSTPORT:GUESTPORT with ports from 1 to 65535\n');
  assert.equal(bad.code, 2);
});

test('sendHttpRequest reaches a guest server through the kernel; pickListenerTarget takes turns', async () => {
  const w = await boot();
  try {
    let out = '';
    let ready;
    const readyNow = new Promise((r) => (ready = r));
    const server = w.spawn(program('http_hello'), ['http_hello', '8080', '2'], {
      stdio: { stdout: (d) => (out += Buffer.from(d).toString()) === 'ready\n' && ready() },
    });
    await readyNow;
    const seen = new Set();
    for (let i = 0; i < 4; i++) {
      const target = w.pickListenerTarget(8080);
      assert.ok(target && target.pid > server.pid && target.fd >= 0, JSON.stringify(target));
      const res = await w.sendHttpRequest(8080, { path: `/req${i}` });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/plain');
      assert.equal(Buffer.from(res.body).toString(), `served by ${target.pid} for /req${i}\n`);
      seen.add(target.pid);
    }
    assert.equal(seen.size, 2); // both listeners served, in turn
    const missing = await w.sendHttpRequest(8080, { method: 'GET', path: '/missing' });
    assert.equal(missing.status, 404);
    assert.equal(missing.statusText, 'Not Found');
    assert.equal(w.pickListenerTarget(8081), null);
    await assert.rejects(w.sendHttpRequest(8081), /nothing listens on port 8081 in the guest \(ECONNREFUSED\)/);
    w.kill(-server.pid, 9);
    await server.wait();
  } finally {
    await w.shutdown();
  }
});

test("busybox httpd serves a directory's index.html for / (sendHttpRequest)", async () => {
  const w = await boot();
  try {
    const httpd = w.spawnGuest('/bin/sh', ['sh', '-c', 'mkdir /www && echo index page > /www/index.html && exec httpd -f -p 80 -h /www'], {});
    // It listens once the shell has made the page; until then no listener is there.
    for (let tries = 0; tries < 200 && !w.pickListenerTarget(80); tries++) await new Promise((r) => setTimeout(r, 25));
    const res = await w.sendHttpRequest(80, { path: '/' });
    assert.equal(res.status, 200);
    assert.equal(Buffer.from(res.body).toString(), 'index page\n');
    w.kill(httpd.pid, 15);
    await httpd.wait();
  } finally {
    await w.shutdown();
  }
});

test('an abortive close (SO_LINGER 0) resets the host connection instead of ending it', async () => {
  let seen;
  const outcome = new Promise((resolve) => (seen = resolve));
  const server = net.createServer((s) => {
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => seen({ data, how: 'end' }));
    s.on('error', (e) => seen({ data, how: e.code }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const r = await run(['run', program('tcp_abort'), '10.0.2.2', String(server.address().port)]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(await outcome, { data: 'abort me', how: 'ECONNRESET' });
  } finally {
    server.close();
  }
});

test('ip and ifconfig show lo, and eth0 (10.0.2.15/24) only with host networking', async () => {
  const r = await sh('ip addr; ifconfig eth0');
  // No traffic counters yet: ifconfig says so once and goes on (ports/busybox/README.md).
  const noCounters = 'ifconfig: /proc/net/dev: No such file or directory\n';
  assert.equal(r.stderr, noCounters);
  const out = r.stdout.toString();
  assert.match(out, /^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 /m);
  assert.match(out, /^ {4}inet 127\.0\.0\.1\/8 scope host lo$/m);
  assert.match(out, /^ {4}inet6 ::1\/128 scope host/m);
  assert.match(out, /^2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 /m);
  assert.match(out, /^ {4}inet 10\.0\.2\.15\/24 brd 10\.0\.2\.255 scope global eth0$/m);
  assert.match(out, /inet addr:10\.0\.2\.15 {2}Bcast:10\.0\.2\.255 {2}Mask:255\.255\.255\.0/);
  const none = await sh('ip link; ifconfig eth0', ['--network=none']);
  assert.doesNotMatch(none.stdout.toString(), /eth0/);
  assert.equal(none.stderr, `${noCounters}ifconfig: eth0: error fetching interface information: Device not found\n`);
  assert.equal(none.code, 1);
});
