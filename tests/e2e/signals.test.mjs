// Signals and lifecycles through the host API and the CLI: killing a process that spins in
// user code, the lifecycle hooks, getForkCount, and the CLI passing its own SIGINT on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { after, test } from 'node:test';
import { boot } from '../../host/dist/api.js';
import { program, run, wasmux } from './helpers.mjs';

const events = [];
const w = await boot({
  hooks: {
    onFork: (parent, child) => events.push(['fork', parent, child]),
    onExec: (pid, argv) => events.push(['exec', pid, argv.join(' ')]),
    onSpawn: (parent, child, argv) => events.push(['spawn', parent, child, argv.join(' ')]),
    onExit: (pid, exit) => events.push(['exit', pid, exit.exitCode, w.getForkCount(pid)]),
  },
});
after(() => w.shutdown());

// Spawns spin.wasm and resolves once it says it is spinning.
async function spinning() {
  let started;
  const ready = new Promise((r) => (started = r));
  const p = w.spawn(program('spin'), ['spin'], { stdio: { stdout: () => started() } });
  await ready;
  return p;
}

test('SIGKILL from the host ends a process spinning in user code', async () => {
  const p = await spinning();
  w.kill(p.pid, 9);
  const exit = await p.wait();
  assert.deepEqual({ code: exit.exitCode, signal: exit.signal }, { code: null, signal: 9 });
});

test('a default SIGTERM ends it too, and its worker is replaced', async () => {
  const p = await spinning();
  w.kill(p.pid, 15);
  assert.equal((await p.wait()).signal, 15);
  // The pool still runs programs after a worker was terminated.
  const again = await spinning();
  w.kill(again.pid, 9);
  assert.equal((await again.wait()).signal, 9);
});

test('kill of a process that does not exist is an error', () => {
  assert.throws(() => w.kill(999999, 15), /kill: No such process$/);
});

test('the lifecycle hooks see fork, exec, spawn and exits; getForkCount counts forks', async () => {
  w.writeFile('/bin/exit7', fs.readFileSync(program('exit7')), 0o755);
  events.length = 0;
  let text = '';
  const p = w.spawn(program('lifecycle'), ['lifecycle'], { stdio: { stdout: (d) => (text += Buffer.from(d)) } });
  assert.equal((await p.wait()).exitCode, 0);
  assert.equal(text, '7 7\n');
  const fork = events.find((e) => e[0] === 'fork');
  assert.ok(fork, 'onFork was called');
  assert.equal(fork[1], p.pid);
  const child = fork[2];
  assert.deepEqual(events.find((e) => e[0] === 'exec'), ['exec', child, 'exit7 fork']);
  const spawned = events.find((e) => e[0] === 'spawn');
  assert.deepEqual([spawned[1], spawned[3]], [p.pid, 'exit7 spawn']);
  assert.deepEqual(events.find((e) => e[0] === 'exit' && e[1] === child).slice(2, 3), [7]);
  assert.deepEqual(events.find((e) => e[0] === 'exit' && e[1] === p.pid).slice(2), [0, 1]);
});

test('the CLI passes SIGINT on to the program', async () => {
  const child = spawn(wasmux, ['run', program('spin')], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((r) => child.stdout.once('data', r));
  child.kill('SIGINT');
  const code = await new Promise((r) => child.on('close', (c) => r(c)));
  assert.equal(code, 130); // 128 + SIGINT, as a shell reports it
});

test('a handler that is the only function with its address taken still runs', async () => {
  const r = await run(['run', program('one_handler')]);
  assert.deepEqual({ code: r.code, out: r.stdout.toString() }, { code: 0, out: 'handled 1\n' });
});

test('a program writing to the CLI\'s stdout after its reader is gone dies of SIGPIPE, as with a pipe', async () => {
  // `yes` writes until the write fails; head takes one line and leaves.
  const r = await new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `"${wasmux}" sh -c 'yes; echo "yes exited: $?" >&2' | head -n 1`]);
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', () => resolve({ stdout, stderr }));
  });
  assert.equal(r.stdout, 'y\n');
  assert.match(r.stderr, /yes exited: 141/);
});
