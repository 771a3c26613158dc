// The host's stdin reader, a kernel service thread attached to pid 1. It reads only after
// a process first wants console input (so an unused stdin is never consumed), then pushes
// what it reads into the kernel, blocking in the kernel while the console ring is full.
import fs from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';
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

// Hands bytes to the kernel (blocking in it while the console ring is full).
function push(data: Uint8Array): void {
  for (let at = 0; at < data.length; at += chunk) {
    const part = data.subarray(at, Math.min(at + chunk, data.length));
    kernel.kernel().set(part, scratch);
    k.wasmux_channel_input(0, scratch, part.length);
  }
}

// Reads stdin synchronously while it blocks as a stdin should; returns false when it
// turned out to be non-blocking (EAGAIN: some other program set O_NONBLOCK on it).
function readBlocking(): boolean {
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buffer, 0, chunk, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return false;
      n = 0; // EOF on any other error (EIO of a closed terminal, EBADF of no stdin)
    }
    if (n === 0) {
      k.wasmux_channel_eof(0);
      return true;
    }
    push(buffer.subarray(0, n));
  }
}

// A non-blocking stdin is read through an event-loop stream: libuv waits for input with
// epoll, so the reader wakes when bytes come, never on a timer.
if (!readBlocking()) {
  const input = tty.isatty(0) ? new tty.ReadStream(0) : new net.Socket({ fd: 0, readable: true, writable: false });
  input.on('data', (data: Buffer) => push(data));
  let ended = false;
  const end = () => {
    if (!ended) k.wasmux_channel_eof(0);
    ended = true;
  };
  input.on('end', end);
  input.on('error', end);
}
