// The host's stdin reader, a kernel service thread attached to pid 1. It reads only after
// a process first wants console input (so an unused stdin is never consumed), then pushes
// what it reads into the kernel, blocking in the kernel while the console ring is full.
import fs from 'node:fs';
import { workerData } from 'node:worker_threads';
import { KernelThread } from './kernel/kernel_instance.js';
import type { WorkerInit } from './kernel/messages.js';

const init = workerData as WorkerInit;
const kernel = new KernelThread(init.kernelModule, init.kernelMemory, init.mounts);
kernel.enterRegion(init.region);
const k = kernel.exports;
k.wasmux_thread_attach(1, 0);

const wantIndex = k.wasmux_console_want_word() >>> 2;
Atomics.wait(new Int32Array(init.kernelMemory.buffer), wantIndex, 0);

const chunk = 65536;
const scratch = k.wasmux_alloc(chunk);
const buffer = Buffer.alloc(chunk);
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  let n: number;
  try {
    n = fs.readSync(0, buffer, 0, chunk, null);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') {
      Atomics.wait(pause, 0, 0, 5); // a non-blocking stdin owned by someone else: poll gently
      continue;
    }
    n = 0; // EOF on any other error (EIO of a closed terminal, EBADF of no stdin)
  }
  if (n === 0) {
    k.wasmux_channel_eof(0);
    break;
  }
  kernel.kernel().set(buffer.subarray(0, n), scratch);
  k.wasmux_channel_input(0, scratch, n);
}
