// Sockets between processes under load: an epoll echo server and 200 client connections
// from four processes, over TCP on 127.0.0.1 and over an AF_UNIX path (issue 10).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { program, run } from './helpers.mjs';

for (const family of ['tcp', 'unix']) {
  test(`a ${family} echo server answers 200 concurrent connections from 4 processes`, async () => {
    const r = await run(['run', program('echo_load'), family, '4', '50']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString(), 'echo_load: 200 connections echoed\n');
    assert.equal(r.code, 0);
  });
}
