// Host faults in the real host (issue 8): WASMUX_FAULTS (host/src/faults.ts) makes host
// file-system calls, memory growth or worker starts fail, and the program sees the errno
// Linux would give, or its process ends cleanly by a signal. (The unit tests inject the
// same faults into the kernel's fake host: tests/unit/fault_injection_test.cpp.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { program, run } from './helpers.mjs';

const probe = program('fault_probe');

async function withHostDir(f) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmux-faults-'));
  try {
    return await f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const probeWith = (faults, ...args) =>
  run(['run', ...args.flatMap((a) => (a.mount ? ['--mount', a.mount] : [])), probe, ...args.filter((a) => !a.mount)],
    { env: { WASMUX_FAULTS: faults } });

test('a host that refuses writes: write(2) fails with its errno, the rest works', async () => {
  await withHostDir(async (dir) => {
    const r = await probeWith('fs_pwrite=ENOSPC', { mount: `${dir}:/data` }, 'write', '/data');
    assert.equal(r.stdout.toString(), 'open: OK\nwrite: ENOSPC\nfsync: OK\n');
    assert.equal(r.code, 0);
  });
});

test('a host that refuses opens, syncs or new directories: each call fails with its errno', async () => {
  await withHostDir(async (dir) => {
    let r = await probeWith('fs_open=EACCES', { mount: `${dir}:/data` }, 'write', '/data');
    assert.equal(r.stdout.toString(), 'open: EACCES\n');
    r = await probeWith('fs_fsync=EIO', { mount: `${dir}:/data` }, 'write', '/data');
    assert.equal(r.stdout.toString(), 'open: OK\nwrite: OK\nfsync: EIO\n');
    assert.equal(fs.readFileSync(path.join(dir, 'probe'), 'utf8'), 'data', 'the write reached the host');
    r = await probeWith('fs_mkdir=ENOSPC', { mount: `${dir}:/data` }, 'mkdir', '/data');
    assert.equal(r.stdout.toString(), 'mkdir: ENOSPC\n');
    r = await probeWith('fs_pread=EIO', { mount: `${dir}:/data` }, 'read', '/data/probe');
    assert.equal(r.stdout.toString(), 'open: OK\nread: EIO\n');
  });
});

test('memory that cannot grow: malloc returns NULL and mmap fails with ENOMEM', async () => {
  const r = await probeWith('memory_grow=ENOMEM', 'memory');
  assert.equal(r.stdout.toString(), 'malloc: ENOMEM\nmmap: ENOMEM\n');
  assert.equal(r.code, 0);
});

test('workers that cannot start: the children that get none are killed, the rest run', async () => {
  // The pool's first workers start (its spares: 3); every later start fails.
  const r = await probeWith('worker_start=EAGAIN@3', 'children', '6');
  const m = /^exited (\d+) killed (\d+)\n$/.exec(r.stdout.toString());
  assert.ok(m, r.stdout.toString() + r.stderr);
  assert.equal(Number(m[1]) + Number(m[2]), 6, 'every child ended and was reaped');
  assert.ok(Number(m[2]) > 0, 'some children found no worker');
  assert.match(r.stderr, /a worker could not start/);
  assert.equal(r.code, 0, 'the parent went on');
});

test('a thread that gets no worker: its process is killed, not left waiting', async () => {
  // The process takes one of the three spares; its second thread finds none it can start.
  const r = await probeWith('worker_start=EAGAIN@3', 'threads', '4');
  assert.equal(r.signal ?? r.code, 128 + 9, `killed by SIGKILL (${r.stdout}${r.stderr})`);
  assert.match(r.stderr, /a worker could not start/);
});

test('a fault list that cannot be read is named, and nothing fails', async () => {
  const r = await probeWith('fs_pwrite=NOPE,bad', 'memory');
  assert.equal(r.stdout.toString(), 'malloc: OK\nmmap: OK\n');
  assert.match(r.stderr, /WASMUX_FAULTS: cannot read "fs_pwrite=NOPE"/);
});
