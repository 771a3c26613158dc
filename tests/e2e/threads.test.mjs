// Threads through the host API: the thread hooks (onClone, onThreadExit) and getThreads,
// with a program whose two threads block in read() while its main thread waits on stdin.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { boot } from '../../host/dist/api.js';
import { program } from './helpers.mjs';

const events = [];
const w = await boot({
  hooks: {
    onClone: (pid, tid) => events.push(['clone', pid, tid]),
    onThreadExit: (pid, tid) => events.push(['thread-exit', pid, tid]),
    onExit: (pid, exit) => events.push(['exit', pid, exit.exitCode]),
  },
});
after(() => w.shutdown());

test('getThreads lists a process\'s threads; the hooks see each start and end', async () => {
  let started;
  const ready = new Promise((r) => (started = r));
  const p = w.spawn(program('thread_pair'), ['thread_pair'], { stdio: { stdin: 'pipe', stdout: () => started() } });
  await ready;
  // The two threads are asleep in read(); the main thread reads stdin (asleep too, soon).
  let threads = w.getThreads(p.pid);
  for (let i = 0; i < 2000 && threads.some((t) => t.state !== 'sleeping'); i++) {
    await new Promise((r) => setTimeout(r, 5));
    threads = w.getThreads(p.pid);
  }
  assert.equal(threads.length, 3);
  assert.ok(threads.some((t) => t.tid === p.pid), 'the main thread has the pid');
  assert.deepEqual(threads.map((t) => t.state), ['sleeping', 'sleeping', 'sleeping']);
  const tids = threads.map((t) => t.tid).filter((t) => t !== p.pid).sort((a, b) => a - b);
  p.write('go\n');
  const exit = await p.wait();
  assert.equal(exit.exitCode, 0);
  const mine = events.filter((e) => e[1] === p.pid);
  assert.deepEqual(mine.filter((e) => e[0] === 'clone').map((e) => e[2]).sort((a, b) => a - b), tids);
  const ended = mine.filter((e) => e[0] === 'thread-exit').map((e) => e[2]).sort((a, b) => a - b);
  assert.deepEqual(ended, [...tids, p.pid].sort((a, b) => a - b));
  assert.deepEqual(mine[mine.length - 1], ['exit', p.pid, 0], 'the process ends after its threads');
  assert.deepEqual(w.getThreads(p.pid), []);
});
