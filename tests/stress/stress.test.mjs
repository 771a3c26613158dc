// Stress (issue 8): many processes at once, many short ones one after another, and
// processes killed at random moments, each followed by a check that nothing is left
// behind: no process in /proc but init and the lister, the kernel heap back where it was,
// the host's memory not grown. Sizes come from the environment (scripts/stress.sh sets
// them; these defaults are its --full run):
//   WASMUX_STRESS_CONCURRENT  processes alive at once (default 1000)
//   WASMUX_STRESS_SHORT       short processes in a row (default 10000)
//   WASMUX_STRESS_KILLS       processes killed at a random moment (default 1000)
// The randomness is seeded (WASMUX_STRESS_SEED, printed) so a failure can be replayed.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { boot } from '../../host/dist/api.js';
import { program } from '../e2e/helpers.mjs';

const concurrent = Number(process.env.WASMUX_STRESS_CONCURRENT ?? 1000);
const short = Number(process.env.WASMUX_STRESS_SHORT ?? 10000);
const kills = Number(process.env.WASMUX_STRESS_KILLS ?? 1000);
const seed = Number(process.env.WASMUX_STRESS_SEED ?? Date.now() % 100000);
console.log(`stress: seed ${seed} (WASMUX_STRESS_SEED replays it)`);

const w = await boot();
after(() => w.shutdown());

const MiB = 1 << 20;
const text = (chunks) => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs a guest command line to its end: its status and output.
async function sh(script) {
  const out = [];
  const p = w.spawnGuest('/bin/sh', ['sh', '-c', script], { stdio: { stdin: '', stdout: (d) => out.push(d), stderr: (d) => out.push(d) } });
  const exit = await p.wait();
  return { status: exit.exitCode, out: text(out) };
}

// The pids /proc lists: with nothing else running, init and the lister itself.
async function processesLeft() {
  const { out } = await sh('ls /proc');
  return out.split(/\s+/).filter((n) => /^\d+$/.test(n)).length;
}

// A small pseudo-random generator (mulberry32): the same seed, the same moments.
function random(s) {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const heapInUse = () => w.getKernelHeap().inUse;
// What processes hold of the kernel heap: all but the workers' regions, whose number
// follows the pool of workers (a killed thread's worker is replaced).
const processHeap = () => {
  const h = w.getKernelHeap();
  return h.inUse - h.workerRegions;
};

// The kernel heap at a quiet moment: the processes of a phase gone (their last exits
// handled), then the same small command as every other time. What a phase leaves behind
// must be nothing (a first run of each kind may warm caches: each is measured after one).
//
// Within `slack` bytes: objects of the measuring moment itself (the lister's exit still in
// flight, a free list's node) vary by a few hundred bytes; a leak of even a few bytes a
// process over thousands of processes does not fit.
const slack = 4096;
async function quietHeap() {
  await sleep(200);
  await processesLeft();
  return processHeap();
}

// The heap after a phase, against `before`: measured again (up to three times) while it
// is more than `slack` away, since what is alive at one moment goes by the next; a leak
// stays.
async function heapAfter(before) {
  let after = await quietHeap();
  for (let i = 0; i < 2 && Math.abs(after - before) > slack; i++) after = await quietHeap();
  return after;
}

// Every twentieth of them spins in user code: on two cores, more would starve the others'
// start (each worker takes some milliseconds of CPU to boot).
const busyEvery = 20;

test(`${concurrent} processes at once (one in ${busyEvery} busy, the rest asleep) run and are reaped`, async () => {
  const baseline = process.memoryUsage().rss;
  const out = [];
  let ready;
  const started = new Promise((r) => (ready = r));
  const p = w.spawn(program('stress_children'), ['stress_children', String(concurrent), String(busyEvery)], {
    stdio: { stdin: 'pipe', stdout: (d) => { out.push(d); if (text(out).includes('ready')) ready(); } },
  });
  const exited = p.wait();
  await Promise.race([started, exited]);
  const rss = process.memoryUsage().rss;
  console.log(`stress: ${concurrent} processes alive; host memory ${((rss - baseline) / MiB).toFixed(0)} MiB more, ` +
    `${((rss - baseline) / concurrent / MiB).toFixed(2)} MiB a process; kernel heap ${(heapInUse() / MiB).toFixed(1)} MiB`);
  p.write('go\n');
  const exit = await exited;
  assert.equal(text(out).trim(), `ready ${concurrent}\nreaped ${concurrent}`);
  assert.equal(exit.exitCode, 0);
  assert.equal(await processesLeft(), 2, 'only init and ls are left');
});

test(`${short} short processes in a row leave the kernel heap and host memory as they found them`, async () => {
  const loop = (n) => `i=0; while [ $i -lt ${n} ]; do /bin/true || exit 1; i=$((i+1)); done`;
  assert.equal((await sh(loop(Math.min(1000, short)))).status, 0); // warm: caches, workers, compiled images
  const heap = await quietHeap();
  const rss = process.memoryUsage().rss;
  const { status } = await sh(loop(short));
  assert.equal(status, 0);
  const after = await heapAfter(heap);
  const grown = process.memoryUsage().rss - rss;
  console.log(`stress: after ${short} processes the kernel heap changed by ${after - heap} bytes, ` +
    `host memory by ${(grown / MiB).toFixed(1)} MiB`);
  assert.ok(Math.abs(after - heap) <= slack, `the kernel heap is where it was (${after - heap} bytes)`);
  // V8 frees dead memories when it collects (memory_collector.ts): what stays is bounded
  // by what a few collections leave, not by the number of processes.
  assert.ok(grown < 256 * MiB, `host memory grew by ${(grown / MiB).toFixed(0)} MiB`);
  assert.equal(await processesLeft(), 2);
});

test(`${kills} processes killed at random moments leave nothing behind`, async () => {
  const next = random(seed);
  // A run that neither starts nor ends within a minute is a hang: the kernel's state and
  // the run's threads are printed, and the test fails instead of waiting for ever.
  const within = (promise, what, pid) => {
    let timer;
    const hang = new Promise((_, reject) => {
      timer = setTimeout(() => {
        console.log(`stress: HANG ${what} of pid ${pid}: threads ${JSON.stringify(w.getThreads(pid))}`);
        w.dumpState();
        reject(new Error(`pid ${pid} hung ${what} (seed ${seed})`));
      }, 60000);
    });
    return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
  };
  const churn = async (delay) => {
    let running;
    const started = new Promise((r) => (running = r));
    const p = w.spawn(program('stress_churn'), ['stress_churn'], { stdio: { stdin: '', stdout: () => running() } });
    const exited = p.wait();
    await within(Promise.race([started, exited]), 'starting', p.pid);
    await sleep(delay);
    w.kill(-p.pid, 9); // the process group: its forked children too
    return within(exited, 'ending after SIGKILL', p.pid);
  };
  await churn(5);
  const heap = await quietHeap();
  for (let i = 0; i < kills; i++) {
    const exit = await churn(Math.floor(next() * 20));
    assert.equal(exit.signal, 9, `run ${i}: killed by SIGKILL`);
  }
  const after = await heapAfter(heap);
  assert.equal(await processesLeft(), 2, 'no process is left');
  console.log(`stress: after ${kills} kills the kernel heap changed by ${after - heap} bytes`);
  w.dumpState(); // its "wake-ups lost and recovered" line: how often a sleep's time slice saved a run
  assert.ok(Math.abs(after - heap) <= slack, `the kernel heap is where it was (${after - heap} bytes)`);
});
