// A pooled worker: one kernel instance for its whole life, running one process thread at
// a time. The guest's syscall import is bound straight to the kernel instance's export, so
// a syscall is a wasm→wasm call on this thread (DESIGN §1).
import { parentPort, workerData } from 'node:worker_threads';
import { KernelThread, writeAllSync } from './kernel/kernel_instance.js';
import type { RunRequest, WorkerInit, WorkerReply } from './kernel/messages.js';

const init = workerData as WorkerInit;
const kernel = new KernelThread(init.kernelModule, init.kernelMemory, init.mounts);
kernel.enterRegion(init.region);
kernel.onChannelOutput = (channel, data) => reply({ type: 'output', channel, data });
kernel.onStartProcess = (pid, image) => parentPort!.postMessage({ type: 'spawn', pid, image }, [image.buffer]);

const SIGILL = 4, SIGFPE = 8, SIGSEGV = 11;

// The signal Linux would deliver for the fault behind a wasm trap: ud2-like traps are
// SIGILL, arithmetic faults SIGFPE, bad memory and stack exhaustion SIGSEGV.
function signalForTrap(e: unknown): number {
  const message = e instanceof Error ? e.message : '';
  if (/unreachable/.test(message)) return SIGILL;
  if (/divide by zero|remainder by zero|integer overflow|float unrepresentable/.test(message)) return SIGFPE;
  return SIGSEGV;
}

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

function run(req: RunRequest): void {
  const memory = new WebAssembly.Memory({ initial: req.initialPages, maximum: req.maximumPages, shared: true });
  kernel.bindUserMemory(memory);
  const k = kernel.exports;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(req.module, {
      env: { memory },
      wasmux: { syscall: k.wasmux_syscall },
    });
  } catch (e) {
    k.wasmux_thread_attach(req.pid, 0);
    const status = k.wasmux_thread_finish(SIGSEGV);
    kernel.bindUserMemory(undefined);
    reply({ type: 'exit', pid: req.pid, status, crash: `cannot instantiate: ${(e as Error).message}` });
    return;
  }
  const exports = instance.exports as { _start?: () => void; __heap_base?: WebAssembly.Global };
  const heapBase = exports.__heap_base ? Number(exports.__heap_base.value) : 0;
  k.wasmux_thread_attach(req.pid, heapBase);
  let crash: string | undefined;
  let signal = 0;
  try {
    if (!exports._start) throw new Error('the program exports no _start');
    exports._start();
  } catch (e) {
    // The glue traps right after exit_group; any other trap is a crash.
    if (!k.wasmux_thread_process_exited()) {
      signal = signalForTrap(e);
      crash = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    }
  }
  const status = k.wasmux_thread_finish(signal);
  kernel.bindUserMemory(undefined);
  if (crash) writeAllSync(2, new TextEncoder().encode(`wasmux: ${req.label}: crashed: ${crash}\n`));
  reply(crash === undefined ? { type: 'exit', pid: req.pid, status } : { type: 'exit', pid: req.pid, status, crash });
}

parentPort!.on('message', (msg: RunRequest) => {
  if (msg.type === 'run') run(msg);
});
reply({ type: 'ready' });
