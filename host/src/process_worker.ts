// A pooled worker: one kernel instance for its whole life, running one process thread at
// a time. The guest's syscall import is bound straight to the kernel instance's export, so
// a syscall is a wasm→wasm call on this thread (DESIGN §1).
import { parentPort, workerData } from 'node:worker_threads';
import { KernelThread, writeAllSync } from './kernel/kernel_instance.js';
import { ABI_VERSION } from './generated/abi.js';
import type { RunRequest, WorkerInit, WorkerReply } from './kernel/messages.js';
import { inspectWasm } from './kernel/wasm_info.js';

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

interface Image {
  module: WebAssembly.Module;
  initialPages: number;
  maximumPages: number;
}

// An image left by execve: compiled here, on the worker that runs it.
function execImage(): Image | string {
  const k = kernel.exports;
  const size = k.wasmux_thread_exec_image_size();
  const at = k.wasmux_thread_exec_image_data();
  const bytes = new Uint8Array(size);
  bytes.set(kernel.kernel().subarray(at, at + size));
  try {
    const info = inspectWasm(bytes);
    if (info.abiVersion !== ABI_VERSION) return `exec: not a wasmux ABI ${ABI_VERSION} program`;
    if (!info.memory?.shared) return 'exec: the program does not import a shared memory';
    return { module: new WebAssembly.Module(bytes), initialPages: info.memory.initialPages, maximumPages: info.memory.maximumPages ?? 16384 };
  } catch (e) {
    return `exec: ${(e as Error).message}`;
  }
}

// Runs process pid's main thread: its first image, then each image an execve brings.
function run(req: RunRequest): void {
  const k = kernel.exports;
  let image: Image = req;
  let attached = false;
  let crash: string | undefined;
  let signal = 0;
  for (;;) {
    const memory = new WebAssembly.Memory({ initial: image.initialPages, maximum: image.maximumPages, shared: true });
    kernel.bindUserMemory(memory);
    let exports: { _start?: () => void; __heap_base?: WebAssembly.Global };
    try {
      exports = new WebAssembly.Instance(image.module, { env: { memory }, wasmux: { syscall: k.wasmux_syscall } })
        .exports as typeof exports;
    } catch (e) {
      if (!attached) k.wasmux_thread_attach(req.pid, 0);
      signal = SIGSEGV;
      crash = `cannot instantiate: ${(e as Error).message}`;
      break;
    }
    const heapBase = exports.__heap_base ? Number(exports.__heap_base.value) : 0;
    if (attached) k.wasmux_thread_exec_start(heapBase);
    else k.wasmux_thread_attach(req.pid, heapBase);
    attached = true;
    try {
      if (!exports._start) throw new Error('the program exports no _start');
      exports._start();
    } catch (e) {
      // The glue traps right after exit_group and after a successful execve; any other
      // trap is a crash.
      if (!k.wasmux_thread_process_exited() && !k.wasmux_thread_exec_image_size()) {
        signal = signalForTrap(e);
        crash = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
      }
    }
    if (crash !== undefined || !k.wasmux_thread_exec_image_size()) break;
    const next = execImage();
    if (typeof next === 'string') {
      // Past the point of no return: the process dies (fs/exec.c sends SIGSEGV).
      signal = SIGSEGV;
      crash = next;
      break;
    }
    image = next;
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
