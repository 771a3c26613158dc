// What the kernel's big lock relies on (kernel/base/arch.h, catch_up_with_memory_growth):
// in V8, a thread's instance bounds-checks memory.copy, memory.fill, atomics and
// memory.size against a size it caches, which another thread's memory.grow does not
// refresh at once; memory.grow(0) on the thread itself does. A reader thread spins in wasm
// until the grower publishes a new page, then copies, fills or adds atomically into it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import binaryen from 'binaryen';

// ctl at 1024: [0] the page count the grower has published (-1: done), [1] the reader's
// acknowledgement. mode: 0 copy, 1 fill, 2 atomic add; +10: memory.grow(0) first.
const text = `(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "reader") (param $mode i32) (result i32)
    (local $v i32) (local $last i32) (local $n i32) (local $dst i32)
    (loop $spin
      (local.set $v (i32.atomic.load (i32.const 1024)))
      (if (i32.eq (local.get $v) (i32.const -1)) (then (return (local.get $n))))
      (if (i32.or (i32.eqz (local.get $v)) (i32.eq (local.get $v) (local.get $last))) (then (br $spin)))
      (local.set $dst (i32.add (i32.mul (i32.sub (local.get $v) (i32.const 1)) (i32.const 65536)) (i32.const 100)))
      (if (i32.ge_u (local.get $mode) (i32.const 10)) (then (drop (memory.grow (i32.const 0)))))
      (block $done
        (if (i32.eq (i32.rem_u (local.get $mode) (i32.const 10)) (i32.const 0))
          (then (memory.copy (local.get $dst) (i32.const 16) (i32.const 64)) (br $done)))
        (if (i32.eq (i32.rem_u (local.get $mode) (i32.const 10)) (i32.const 1))
          (then (memory.fill (local.get $dst) (i32.const 1) (i32.const 64)) (br $done)))
        (drop (i32.atomic.rmw.add (local.get $dst) (i32.const 1))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $last (local.get $v))
      (i32.atomic.store (i32.const 1028) (local.get $v))
      (br $spin))
    (unreachable))
  (func (export "grower") (param $count i32)
    (local $old i32)
    (loop $more
      (local.set $old (memory.grow (i32.const 1)))
      (if (i32.ge_s (local.get $old) (i32.const 0)) (then
        (i32.atomic.store (i32.const 1024) (i32.add (local.get $old) (i32.const 1)))
        (loop $wait (br_if $wait (i32.ne (i32.atomic.load (i32.const 1028)) (i32.add (local.get $old) (i32.const 1)))))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br_if $more (i32.gt_s (local.get $count) (i32.const 0))))))
    (i32.atomic.store (i32.const 1024) (i32.const -1))))`;

function compile() {
  const m = binaryen.parseText(text);
  m.setFeatures(binaryen.Features.All);
  assert.ok(m.validate(), 'the test module validates');
  const bytes = m.emitBinary();
  m.dispose();
  return new WebAssembly.Module(bytes);
}

// Worker body: instantiate on the shared memory and run one side.
const body = `
  const { workerData, parentPort } = require('node:worker_threads');
  const { module, memory, role, mode, count } = workerData;
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  try {
    parentPort.postMessage({ ok: role === 'grower' ? (inst.exports.grower(count), count) : inst.exports.reader(mode) });
  } catch (e) {
    parentPort.postMessage({ error: e.message });
  }`;

function run(module, mode, count) {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
  const start = (role) => {
    const worker = new Worker(body, { eval: true, workerData: { module, memory, role, mode, count } });
    const done = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return { worker, done };
  };
  const reader = start('reader');
  const grower = start('grower');
  return reader.done.finally(() => reader.worker.terminate()).then(async (r) => {
    // A reader that trapped leaves the grower waiting for its acknowledgement.
    if (r.error) await grower.worker.terminate();
    else await grower.done.finally(() => grower.worker.terminate());
    return r;
  });
}

for (const [mode, name] of [[10, 'memory.copy'], [11, 'memory.fill'], [12, 'an atomic add']]) {
  test(`${name} into pages another thread grew works after memory.grow(0)`, async () => {
    const result = await run(compile(), mode, 2000);
    assert.deepEqual(result, { ok: 2000 });
  });
}

test('without memory.grow(0), what V8 does (informational: the kernel does not depend on it)', async (t) => {
  const result = await run(compile(), 0, 2000);
  t.diagnostic(`memory.copy without catching up: ${JSON.stringify(result)}`);
});
