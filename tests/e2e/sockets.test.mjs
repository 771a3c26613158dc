// Sockets between processes under load: an epoll echo server and 200 client connections
// from four processes, over TCP on 127.0.0.1 and over an AF_UNIX path (issue 10).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { program, root, run } from './helpers.mjs';

for (const family of ['tcp', 'unix']) {
  test(`a ${family} echo server answers 200 concurrent connections from 4 processes`, async () => {
    const r = await run(['run', program('echo_load'), family, '4', '50']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString(), 'echo_load: 200 connections echoed\n');
    assert.equal(r.code, 0);
  });
}

// A host stdout or stdin that another program made non-blocking (O_NONBLOCK on the shared
// pipe): the writes wait for a slow reader and the reads for a slow writer, and every byte
// arrives (issue 10: host channels wake exactly, no retry timers).
const sh = (script) =>
  new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
const nonblock = (fd) => `perl -MFcntl -e 'fcntl(${fd}, F_SETFL, fcntl(${fd}, F_GETFL, 0) | O_NONBLOCK) or die'`;

test('a non-blocking host stdout with a slow reader gets every byte', async () => {
  const cat = program('cat');
  const r = await sh(`head -c 4000000 /dev/urandom > "$T"; (${nonblock('STDOUT')}; bin/wasmux run ${cat} < "$T") | (sleep 0.5; wc -c); rm -f "$T"`.replaceAll('$T', '/tmp/wasmux-nb-out.$$'));
  assert.equal(r.err, '');
  assert.equal(r.out.trim(), '4000000');
});

test('a non-blocking host stdin with a slow writer gets every byte', async () => {
  const cat = program('cat');
  const r = await sh(`(sleep 0.3; head -c 300000 /dev/zero; sleep 0.3; printf end) | (${nonblock('STDIN')}; bin/wasmux run ${cat} | wc -c)`);
  assert.equal(r.err, '');
  assert.equal(r.out.trim(), '300003');
});
