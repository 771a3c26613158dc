// The kernel's timer service thread (kernel/signal/timers.h): a kernel instance attached to
// pid 1 that waits, inside the kernel, for the next interval timer to expire and sends its
// signal. A fatal SIGALRM to a process busy in user code needs its worker terminated,
// which only the main thread can do: those requests go there.
import { parentPort, workerData } from 'node:worker_threads';
import { KernelThread } from './kernel/kernel_instance.js';
import type { WorkerInit, WorkerReply } from './kernel/messages.js';

const init = workerData as WorkerInit;
const kernel = new KernelThread(init.kernelModule, init.kernelMemory, init.mounts);
kernel.enterRegion(init.region);
kernel.onTerminateThread = (pid, tid, status, last) => {
  const message: WorkerReply = { type: 'terminate', pid, tid, status, last };
  parentPort!.postMessage(message);
};
kernel.onInterruptThread = (pid, tid) => {
  const message: WorkerReply = { type: 'interrupt', pid, tid };
  parentPort!.postMessage(message);
};
kernel.exports.wasmux_timer_service();
