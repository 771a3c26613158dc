// A pooled worker: one kernel instance for its whole life, running one process thread at
// a time. The guest's syscall import is bound straight to the kernel instance's export, so
// a syscall is a wasm→wasm call on this thread (DESIGN §1).
import { parentPort, workerData } from 'node:worker_threads';
import { errno, signal } from './generated/abi.js';
import { type CloneStart, KernelThread, THREAD_KILLED, writeAllSync } from './kernel/kernel_instance.js';
import { maxCloneThreads, type ForkResume, type RunRequest, type ThreadStart, type WorkerInit, type WorkerReply } from './kernel/messages.js';
import { dropFreeForkMemories, markForkMemoryThreaded, takeForkMemory, type ForkMemory } from './fork_memory.js';
import { MemoryCollector } from './memory_collector.js';

const memories = new MemoryCollector();

const init = workerData as WorkerInit;
if (init.failStart) throw new Error('WASMUX_FAULTS: worker_start');
const kernel = new KernelThread(init.kernelModule, init.kernelMemory, init.mounts);
kernel.enterRegion(init.region);
const nextSeq = (): number => Atomics.add(init.sequence!, 0, 1);
kernel.onChannelOutput = (channel, data) => reply({ type: 'output', seq: nextSeq(), channel, data });
// Program keys whose images this worker sent to the main thread, which keeps them compiled.
const sentImages = new Set<string>();
kernel.onStartProcess = (pid, key, image, limits) => {
  if (sentImages.has(key)) return reply({ type: 'spawn', pid, key, limits });
  sentImages.add(key);
  const bytes = image();
  parentPort!.postMessage({ type: 'spawn', pid, key, limits, image: bytes }, [bytes.buffer]);
};
kernel.onTerminateThread = (pid, tid, status, last) => reply({ type: 'terminate', pid, tid, status, last });
// What this worker runs now, for a thread its guest makes (clone): the same module on the
// same memory, on another worker.
// forkMemory: the kept memory a fork gave this run, if it runs on one.
let running: { req: RunRequest; image: Image; memory: WebAssembly.Memory; forkMemory?: ForkMemory } | undefined;
kernel.onStartThread = (pid, tid) => {
  const count = init.cloneThreads!;
  if (Atomics.add(count, 0, 1) >= maxCloneThreads) {
    Atomics.sub(count, 0, 1);
    return false;
  }
  const r = running!;
  if (r.forkMemory) markForkMemoryThreaded(r.forkMemory); // before the thread can run on it
  const request: RunRequest = { type: 'run', pid, module: r.image.module, initialPages: r.image.initialPages,
    maximumPages: r.image.maximumPages, label: r.req.label, thread: { tid, memory: r.memory } };
  reply({ type: 'thread', request });
  return true;
};
kernel.onStartTimerService = () => reply({ type: 'timer-service' });
kernel.onInterruptThread = (pid, tid) => reply({ type: 'interrupt', pid, tid });

const { SIGILL, SIGFPE, SIGSEGV, SIGABRT } = signal;
const { ENOSYS } = errno;

// The signal Linux would deliver for the fault behind a wasm trap: ud2-like traps are
// SIGILL, arithmetic faults SIGFPE, bad memory and stack exhaustion SIGSEGV. A wasm
// exception that leaves the program is a C++ exception nobody caught: natively
// std::terminate aborts (SIGABRT); wasm has no search phase that would call it first.
// (WebAssembly.Exception is not in TypeScript's own declarations yet.)
const WasmException = (WebAssembly as unknown as { Exception?: abstract new (...args: never[]) => object }).Exception;
const isWasmException = (e: unknown): boolean => WasmException !== undefined && e instanceof WasmException;

function signalForTrap(e: unknown): number {
  if (isWasmException(e)) return SIGABRT;
  const message = e instanceof Error ? e.message : '';
  if (/unreachable/.test(message)) return SIGILL;
  if (/divide by zero|remainder by zero|integer overflow|float unrepresentable/.test(message)) return SIGFPE;
  return SIGSEGV;
}

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

// Counts the images this worker has run, each run and each execve a new one (fork_memory.ts
// reuses a kept memory only for forks of the image that filled it).
let imageGeneration = 0;

interface Image {
  module: WebAssembly.Module;
  initialPages: number;
  maximumPages: number;
}

// Images this worker compiled for execve, by program key: a shell running the same
// command again and again compiles it once per worker.
const execImages = new Map<string, Image>();

// An image left by execve: compiled here, on the worker that runs it (or found compiled).
function execImage(): Image | string {
  const k = kernel.exports;
  const key = kernel.programKey(k.wasmux_thread_exec_image_key());
  const cached = execImages.get(key);
  if (cached) return cached;
  const size = k.wasmux_thread_exec_image_size();
  const at = k.wasmux_thread_exec_image_data();
  const bytes = new Uint8Array(size);
  bytes.set(kernel.kernel().subarray(at, at + size));
  try {
    // The kernel checked the image's shape before the point of no return; compiling checks
    // its code, past that point (a failure kills the process, as Linux's exec does).
    const image = { module: new WebAssembly.Module(bytes), ...kernel.execImageLimits() };
    execImages.set(key, image);
    return image;
  } catch (e) {
    return `exec: ${(e as Error).message}`;
  }
}

interface GuestExports {
  _start?: () => void;
  __wasmux_thread_start?: (func: number, arg: number, threadPointer: number) => void;
  __wasmux_interrupt_word?: WebAssembly.Global;
  __wasm_init_tls?: (block: number) => void;
  __heap_base?: WebAssembly.Global;
  __stack_pointer?: WebAssembly.Global;
  __tls_base?: WebAssembly.Global;
  __wasmux_interrupt?: WebAssembly.Global;
  __indirect_function_table?: WebAssembly.Table;
  asyncify_start_unwind?: (buffer: number) => void;
  asyncify_stop_unwind?: () => void;
  asyncify_start_rewind?: (buffer: number) => void;
  asyncify_stop_rewind?: () => void;
}

// The guest's fork import (docs/guest-abi.md, "Fork"): the first call starts unwinding the
// stack into the state buffer and the run loop takes over; when the loop rewinds, the
// call returns its result (the child's pid, 0 in the child, or -errno).
class Forker {
  rewinding = false;
  unwinding = false;
  result = 0;
  stateBuffer = 0;
  stackAtFork = 0;
  exports: GuestExports = {};
  memory: WebAssembly.Memory | undefined;

  readonly importFn = (buffer: number, size: number): number => {
    if (this.rewinding) {
      this.exports.asyncify_stop_rewind!();
      this.rewinding = false;
      return this.result;
    }
    if (!this.exports.asyncify_start_unwind) return -ENOSYS; // not built for fork
    // Asyncify's state header: where saved data goes, and where the buffer ends.
    const words = new Int32Array(this.memory!.buffer, buffer, 2);
    words[0] = buffer + 8;
    words[1] = buffer + size;
    this.stateBuffer = buffer;
    this.stackAtFork = Number(this.exports.__stack_pointer!.value);
    this.unwinding = true;
    this.exports.asyncify_start_unwind(buffer);
    return 0;
  }

  rewind(result: number): void {
    this.result = result;
    this.rewinding = true;
    this.exports.asyncify_start_rewind!(this.stateBuffer);
  }
}

// What the child of a fork can read: the live stack (the stack comes first in a wasmux
// module, growing down from its top, so everything below the stack pointer is dead), the
// data and brk heap after it, and each mapping, as [start, end) pairs; and top, from where
// the child's memory must read zeros. Below top, brk and mmap zero-fill what they hand out
// again. Copying only this is the difference between a millisecond or so per MiB of memory
// and a few dozen microseconds.
function liveRanges(size: number, stackPointer: number): { ranges: number[]; top: number } {
  const at = kernel.exports.wasmux_memory_ranges() >>> 2;
  const words = new Uint32Array(kernel.kernelMemory.buffer);
  const count = words[at]!;
  if (count === 0) return { ranges: [0, size], top: size };
  const heapBase = words[at + 2]!;
  // Each range within the memory (a mapping may reach past its end).
  const ranges: number[] = [];
  const add = (start: number, end: number): void => {
    end = Math.min(end, size);
    ranges.push(Math.min(start, end), end);
  };
  // A module whose stack is not first (not linked by wasmux-cc) gets all of its low memory.
  add(stackPointer <= heapBase ? stackPointer : 0, words[at + 3]!);
  for (let i = 1; i < count; i++) add(words[at + 2 + 2 * i]!, words[at + 3 + 2 * i]!);
  return { ranges, top: Math.min(words[at + 1]!, size) };
}

// The guest has unwound for a fork: make the child process and its copy of memory, and
// hand the child to the main thread to run on another worker. Returns the result the
// parent's fork sees.
function forkChild(forker: Forker, image: Image, req: RunRequest, threadEntry: [number, number, number] | undefined): number {
  forker.exports.asyncify_stop_unwind!();
  forker.unwinding = false;
  // An unwind leaves the stack pointer where the fork call had it (no epilogue runs). A
  // function the post-link step failed to instrument would have returned normally instead,
  // moving it: better a crash than a child resumed in the wrong place.
  if (Number(forker.exports.__stack_pointer!.value) !== forker.stackAtFork) {
    throw new Error('fork: a function on the stack was not instrumented for fork (sdk/postlink.mjs)');
  }
  const child = live(kernel.exports.wasmux_fork());
  if (child < 0) return child;
  // Until wasmux_fork_posted the thread stays in the kernel state: no SIGKILL can have this
  // worker terminated before the child is handed on.
  let posted = false;
  try {
    postForkedChild(forker, image, req, child, threadEntry);
    posted = true;
  } finally {
    // A copy that failed (no memory for the child) fails the child too, or it would never run.
    if (!posted) kernel.exports.wasmux_process_fail(child, SIGSEGV);
    if (live(kernel.exports.wasmux_fork_posted())) throw new ProcessEnded();
  }
  return child;
}

// The parent's live memory as it is now, copied into the child's memory (a kept one when
// there is one: fork_memory.ts), and the child to the main thread to run on another
// worker; the parent goes on.
function postForkedChild(forker: Forker, image: Image, req: RunRequest, child: number, threadEntry: [number, number, number] | undefined): void {
  const parent = new Uint8Array(forker.memory!.buffer);
  const stackPointer = Number(forker.exports.__stack_pointer!.value);
  const { ranges, top } = liveRanges(parent.length, stackPointer);
  const { memory, dirtyBytes } = takeForkMemory(parent.length / 65536, image.maximumPages, imageGeneration, child);
  const to = new Uint8Array(memory.memory.buffer);
  for (let i = 0; i < ranges.length; i += 2) to.set(parent.subarray(ranges[i]!, ranges[i + 1]!), ranges[i]!);
  // A kept memory may hold an earlier child's data anywhere: the kernel clears what it
  // hands out below top, and learns that the rest is dirty too up to dirtyBytes.
  if (top < dirtyBytes) kernel.exports.wasmux_fork_memory_dirty(child, dirtyBytes / 65536);
  const resume: ForkResume = {
    memory,
    stackPointer,
    tlsBase: forker.exports.__tls_base ? Number(forker.exports.__tls_base.value) : undefined,
    stateBuffer: forker.stateBuffer,
    interruptWord: forker.exports.__wasmux_interrupt_word ? Number(forker.exports.__wasmux_interrupt_word.value) : 0,
    threadEntry,
  };
  const request: RunRequest = { type: 'run', pid: child, module: image.module, initialPages: image.initialPages,
    maximumPages: image.maximumPages, label: req.label, resume };
  reply({ type: 'fork', parentPid: req.pid, request });
}

// Thrown when a fatal signal ended the process while its worker was busy with a fork: the
// guest must not run on.
class ProcessEnded extends Error {}

// Thrown when the kernel says this thread was killed while it ran user code: the main
// thread is terminating this worker, which must not enter the kernel again meanwhile.
class ThreadKilled extends Error {}

function live(value: number): number {
  if (value === THREAD_KILLED) throw new ThreadKilled();
  return value;
}

// Waits to be terminated (Atomics.wait is interrupted by Worker.terminate).
function awaitTermination(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

// Runs process pid's main thread: its first image (or, for a forked child, its parent's
// stack rewound), then each image an execve brings.
function run(req: RunRequest): void {
  const k = kernel.exports;
  let image: Image = req;
  let resume = req.resume;
  let attached = false;
  let tid = req.thread?.tid ?? req.pid; // the thread this worker runs (a main thread's id is the pid)
  let thread = req.thread;
  const runMemories: WebAssembly.Memory[] = []; // counted at the end of the run (not a kept fork memory)
  let crash: string | undefined;
  let signal = 0;
  // The kernel instance's stack pointer between guest runs (see KernelThread.stackPointer).
  const kernelStack = kernel.stackPointer;
  for (;;) {
    const memory = thread ? thread.memory
      : resume ? resume.memory.memory // filled by the parent's worker, which keeps it
        : new WebAssembly.Memory({ initial: image.initialPages, maximum: image.maximumPages, shared: true });
    const forked = resume !== undefined; // the memory a fork gave this run (fork_memory.ts)
    if (!thread && !resume) runMemories.push(memory); // a thread's memory is its process's
    imageGeneration++;
    running = { req, image, memory, forkMemory: thread ? undefined : resume?.memory };
    kernel.bindUserMemory(memory, undefined, image.maximumPages);
    const forker = new Forker();
    forker.memory = memory;
    let exports: GuestExports;
    try {
      exports = new WebAssembly.Instance(image.module, {
        env: { memory },
        wasmux: { syscall: k.wasmux_syscall, fork: forker.importFn },
      }).exports as GuestExports;
    } catch (e) {
      if (thread) return threadNotStarted(req, thread);
      if (!attached && k.wasmux_thread_attach(req.pid, 0) < 0) return endedBeforeStart(req);
      signal = SIGSEGV;
      crash = `cannot instantiate: ${(e as Error).message}`;
      break;
    }
    forker.exports = exports;
    kernel.bindUserMemory(memory, exports.__indirect_function_table, image.maximumPages);
    const heapBase = exports.__heap_base ? Number(exports.__heap_base.value) : 0;
    // The running thread's interrupt word (glue/crt1.c): the main thread's static one, the
    // forking thread's in a child, a new thread's own from its start record.
    let word = exports.__wasmux_interrupt ? Number(exports.__wasmux_interrupt.value) : 0;
    // What the thread runs (and a fork rewinds through): _start, or __wasmux_thread_start
    // with its start record's arguments for a thread made by clone.
    let threadEntry: [number, number, number] | undefined = thread ? undefined : resume?.threadEntry;
    let entry = (): void => {
      if (threadEntry) {
        exports.__wasmux_thread_start!(...threadEntry);
        return;
      }
      if (!exports._start) throw new Error('the program exports no _start');
      exports._start();
    };
    if (thread) {
      const start = attachClone(req, thread);
      if (!start) return;
      if (!exports.__wasmux_thread_start || !exports.__wasm_init_tls) {
        signal = SIGSEGV;
        crash = 'the program cannot run threads (no __wasmux_thread_start or __wasm_init_tls)';
        break;
      }
      exports.__stack_pointer!.value = start.stackPointer;
      exports.__wasm_init_tls(start.tlsBlock);
      word = start.interruptWord;
      threadEntry = [start.func, start.arg, start.threadPointer];
      thread = undefined; // an exec from this thread runs its new image as any process does
    } else if (resume) {
      // A forked child: the parent's registers, then rewind into its fork call. The kernel
      // copied the parent's address space.
      exports.__stack_pointer!.value = resume.stackPointer;
      if (resume.tlsBase !== undefined && exports.__tls_base) exports.__tls_base.value = resume.tlsBase;
      if (resume.interruptWord) word = resume.interruptWord;
      tid = k.wasmux_thread_attach(req.pid, 0);
      if (tid < 0) return endedBeforeStart(req);
      forker.stateBuffer = resume.stateBuffer;
      forker.rewind(0);
      resume = undefined;
    } else if (attached) {
      tid = live(k.wasmux_thread_exec_start(heapBase)); // (an exec from a thread takes the pid)
    } else {
      tid = k.wasmux_thread_attach(req.pid, heapBase);
      if (tid < 0) return endedBeforeStart(req);
    }
    attached = true;
    if (exports.__wasmux_interrupt_word) exports.__wasmux_interrupt_word.value = word;
    // Where the main thread sets this thread's interrupt word (sdk/interrupts.mjs).
    if (word) reply({ type: 'memory', pid: req.pid, tid, runTid: req.thread?.tid ?? req.pid, memory, word, forked });
    for (;;) {
      try {
        entry();
      } catch (e) {
        if (k.wasmux_trapped_in_kernel()) throw e; // a kernel bug: see the message handler
        kernel.stackPointer = kernelStack;
        // The glue traps right after exit_group and after a successful execve, and the
        // kernel traps out of a call whose process ended; any other trap is a crash.
        if (!live(k.wasmux_thread_process_exited()) && !live(k.wasmux_thread_exec_image_size())) {
          signal = signalForTrap(e);
          crash = e instanceof Error ? `${e.constructor.name}: ${e.message}${whereInGuest(e)}`
            : isWasmException(e) ? 'an exception nobody caught (std::terminate)' : String(e);
        }
        break;
      }
      if (!forker.unwinding) break; // _start returned: the process is over
      let child: number;
      try {
        child = forkChild(forker, image, req, threadEntry);
      } catch (e) {
        if (e instanceof ThreadKilled) throw e;
        if (e instanceof ProcessEnded) break; // wasmux_thread_finish reports how it ended
        signal = SIGSEGV;
        crash = (e as Error).message;
        break;
      }
      forker.rewind(child);
    }
    if (crash !== undefined || !live(k.wasmux_thread_exec_image_size())) break;
    const next = execImage();
    if (typeof next === 'string') {
      // Past the point of no return: the process dies (fs/exec.c sends SIGSEGV).
      signal = SIGSEGV;
      crash = next;
      break;
    }
    image = next;
    reply({ type: 'exec', pid: req.pid, argv: kernel.describeProcess(req.pid)?.argv ?? [] });
  }
  const status = live(k.wasmux_thread_finish(signal));
  if (crash) writeAllSync(2, new TextEncoder().encode(`wasmux: ${req.label}: crashed: ${crash}\n`));
  endRun(req.pid, tid, status, status >= 0, crash);
  // Between runs: the dead memories of this one can go. Counted at their final size.
  for (const m of runMemories) memories.note(m);
  dropFreeForkMemories();
  memories.maybeCollect();
}

// This worker's run of thread tid is over: it lets go of the guest's memory and tells the
// main thread (processEnded: the process ended with this thread, status its wait status).
function endRun(pid: number, tid: number, status: number, processEnded: boolean, crash?: string): void {
  kernel.bindUserMemory(undefined);
  running = undefined;
  const exit: WorkerReply = { type: 'exit', seq: nextSeq(), pid, tid, status, processEnded };
  reply(crash === undefined ? exit : { ...exit, crash });
}

// The process ended (killed) before its main thread could attach: report how it ended.
function endedBeforeStart(req: RunRequest): void {
  const status = kernel.exports.wasmux_process_status(req.pid);
  endRun(req.pid, req.pid, status < 0 ? 9 : status, true);
}

// Takes a thread made by clone: its start record, or undefined when it is not to run (its
// process ended meanwhile: reported).
function attachClone(req: RunRequest, thread: ThreadStart): CloneStart | undefined {
  const r = kernel.attachClone(req.pid, thread.tid);
  if ('start' in r) return r.start;
  endRun(req.pid, thread.tid, r.ended, r.ended >= 0);
  return undefined;
}

// Where in the program a trap happened: its innermost wasm frames by function name (the
// name section the SDK keeps), as " in f, called from g, called from h"; "" when unknown.
// A trap such as "null function or function signature mismatch" then names the function
// that made the call.
function whereInGuest(e: Error): string {
  const names: string[] = [];
  for (const line of (e.stack ?? '').split('\n')) {
    const m = /^\s*at (\S+) \(wasm:\/\//.exec(line);
    if (m) names.push(m[1]!);
    if (names.length === 3) break;
  }
  return names.length ? ` in ${names.join(', called from ')}` : '';
}

// A thread whose module could not be instantiated on its process's memory: it never ran.
function threadNotStarted(req: RunRequest, thread: ThreadStart): void {
  if (attachClone(req, thread)) {
    const status = live(kernel.exports.wasmux_thread_finish(SIGSEGV));
    endRun(req.pid, thread.tid, status, status >= 0);
  }
}

parentPort!.on('message', (msg: RunRequest) => {
  if (msg.type !== 'run') return;
  try {
    run(msg);
  } catch (e) {
    if (e instanceof ThreadKilled) awaitTermination();
    // A trap in kernel code (the lock still held here) or an error of this host code: the
    // kernel may be half-way through a change and nothing can be trusted. Report it and
    // touch nothing more; the main thread ends everything (a kernel panic).
    const inKernel = kernel.exports.wasmux_trapped_in_kernel() !== 0;
    const what = e instanceof Error ? (e.stack ?? e.message) : String(e);
    reply({ type: 'panic', message: `${inKernel ? 'trap in the kernel' : 'host error'} running pid ${msg.pid}: ${what}` });
    awaitTermination();
  }
});
reply({ type: 'ready' });
