// SIGUSR2 to bin/wasmux: the kernel's state on stderr (processes, threads, descriptors,
// and the kernel heap, walked and checked), the way a hang or a panic is chased.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { wasmux } from './helpers.mjs';

test('SIGUSR2 prints the kernel state with a consistent heap, and the program runs on', async () => {
  const child = spawn(wasmux, ['sh', '-c', 'echo ready; read line; echo "got $line"'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise((resolve) =>
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    }),
  );
  await ready;
  // A dump shows the moment it is taken (under the kernel's lock): right after "ready" the
  // shell may still be on its way into read. Ask again until it is seen waiting there.
  for (let tries = 0; tries < 50 && !/ in read/.test(err); tries++) {
    child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 200));
  }
  child.stdin.end('more\n');
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  assert.equal(out, 'ready\ngot more\n');
  assert.match(err, /^---- wasmux kernel state ----$/m);
  assert.match(err, /^kernel heap: \d+ KiB in use of \d+ KiB, consistent$/m);
  assert.match(err, /tid \d+ .* in read/);
});
