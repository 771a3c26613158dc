// The host API (host/dist/api.js) with the seed's method names.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { boot } from '../../host/dist/api.js';
import { program } from './helpers.mjs';

const w = await boot();
after(() => w.shutdown());

const collect = () => {
  const chunks = [];
  const cb = (d) => chunks.push(Buffer.from(d));
  cb.text = () => Buffer.concat(chunks).toString();
  return cb;
};

test('getAbiVersion reports the ABI the kernel speaks', () => {
  assert.equal(w.getAbiVersion(), 1);
});

test('stdin bytes in, stdout to a callback', async () => {
  const out = collect();
  const p = w.spawn(program('cat'), ['cat'], { stdio: { stdin: 'one\ntwo\n', stdout: out } });
  const exit = await p.wait();
  assert.deepEqual({ code: exit.exitCode, text: out.text() }, { code: 0, text: 'one\ntwo\n' });
});

test('a piped stdin streams through write() and end()', async () => {
  const out = collect();
  const p = w.spawn(program('cat'), ['cat'], { stdio: { stdin: 'pipe', stdout: out } });
  p.write('first ');
  await new Promise((r) => setTimeout(r, 20));
  p.write('second\n');
  p.end();
  assert.equal((await p.wait()).exitCode, 0);
  assert.equal(out.text(), 'first second\n');
});

test('stderr goes to its own callback', async () => {
  const out = collect();
  const err = collect();
  const p = w.spawn(program('cat'), ['cat', '/no/such/file'], { stdio: { stdin: '', stdout: out, stderr: err } });
  const exit = await p.wait();
  assert.equal(exit.exitCode, 1);
  assert.equal(out.text(), '');
  assert.match(err.text(), /\/no\/such\/file: No such file or directory/);
});

test('allocatePid, setCwd, setIds, setOutputCallbacks, then spawn', async () => {
  w.writeFile('/home/user/.keep', '');
  const pid = w.allocatePid();
  w.setCwd(pid, '/home/user');
  w.setIds(pid, 1000, 100);
  const out = collect();
  w.setOutputCallbacks(pid, { stdout: out });
  const p = w.spawn(program('ids'), ['ids'], { pid });
  assert.equal(p.pid, pid);
  assert.equal((await p.wait()).exitCode, 0);
  assert.equal(out.text(), 'uid=1000 gid=100 euid=1000 cwd=/home/user pid_ok=1\n');
});

test('setStdinData on an allocated pid', async () => {
  const pid = w.allocatePid();
  w.setStdinData(pid, 'fed before start\n');
  const out = collect();
  const p = w.spawn(program('cat'), ['cat'], { pid, stdio: { stdout: out } });
  await p.wait();
  assert.equal(out.text(), 'fed before start\n');
});

test('setCwd to a missing directory is an error', () => {
  const pid = w.allocatePid();
  assert.throws(() => w.setCwd(pid, '/does/not/exist'), /No such file or directory/);
});

test('processes run concurrently and each gets its own output', async () => {
  const outs = [collect(), collect(), collect()];
  const ps = outs.map((o, i) => w.spawn(program('cat'), ['cat'], { stdio: { stdin: `p${i}\n`.repeat(1000), stdout: o } }));
  await Promise.all(ps.map((p) => p.wait()));
  outs.forEach((o, i) => assert.equal(o.text(), `p${i}\n`.repeat(1000)));
});

test('getKernelHeap: the kernel heap stops growing while processes come and go', async () => {
  // Each round execs 150 programs: process images of a megabyte or more pass through the
  // kernel heap between many small objects. Freed memory must be reused (a heap without
  // merging of free blocks grew by a quarter of a megabyte per process here).
  const round = async () => {
    const p = w.spawnGuest('/bin/sh', ['sh', '-c', 'i=0; while [ $i -lt 150 ]; do /bin/true; i=$((i+1)); done']);
    assert.equal((await p.wait()).exitCode, 0);
    return w.getKernelHeap();
  };
  const first = await round();
  await round();
  const third = await round();
  assert.ok(third.inUse <= third.size, JSON.stringify(third));
  assert.ok(third.size <= first.size + (2 << 20), `the heap grew from ${first.size} to ${third.size} bytes`);
});
