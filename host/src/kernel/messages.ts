// Messages between the main thread and the workers that run process threads.
import type { HostMounts } from '../node/host_fs.js';
import type { ForkMemory } from '../fork_memory.js';
import type { MemoryLimits } from '../program_error.js';

// How many threads made by clone may run at once, all processes together: each costs a
// worker (about 8 MiB when idle, more when running). Past it, clone fails with EAGAIN.
export const maxCloneThreads = 1024;

export interface WorkerInit {
  role: 'process' | 'stdin' | 'timer' | 'net';
  kernelModule: WebAssembly.Module;
  kernelMemory: WebAssembly.Memory;
  region: number; // this worker's kernel stack + TLS region
  mounts: HostMounts;
  // One counter shared by all process workers: output and exit messages are numbered from
  // it, so the main thread handles them in the order they happened even when they come
  // from different workers (a child's output before its parent's exit).
  sequence?: Int32Array;
  // Threads made by clone that run or wait for a worker, counted by the workers that ask
  // for them and by the main thread when they end: at most maxCloneThreads at once.
  cloneThreads?: Int32Array;
  // WASMUX_FAULTS worker_start (faults.ts): the worker fails before it is ready.
  failStart?: boolean;
}

// Where a forked child resumes: its parent's stack unwound into its memory, which the
// parent's worker filled with its live memory and keeps for the next fork once the child
// is done with it (fork_memory.ts).
export interface ForkResume {
  memory: ForkMemory;
  stackPointer: number;
  tlsBase: number | undefined;
  stateBuffer: number; // the Asyncify state inside that memory
  interruptWord: number; // the forking thread's (its instance's __wasmux_interrupt_word)
  // The forking thread's entry when it is a thread made by clone: the child's stack
  // rewinds through __wasmux_thread_start, not _start.
  threadEntry?: [func: number, arg: number, threadPointer: number];
}

// A thread made by clone, to run on the process's memory (its start record is the
// kernel's: wasmux_thread_attach_clone).
export interface ThreadStart {
  tid: number;
  memory: WebAssembly.Memory;
}

export interface RunRequest {
  type: 'run';
  pid: number;
  module: WebAssembly.Module;
  initialPages: number;
  maximumPages: number;
  label: string; // for crash messages
  resume?: ForkResume;
  thread?: ThreadStart;
}

export type WorkerReply =
  | { type: 'ready' }
  // A thread's run is over; processEnded: its process ended with it (status is the
  // process's wait status then).
  | { type: 'exit'; seq: number; pid: number; tid: number; status: number; processEnded: boolean; crash?: string }
  | { type: 'output'; seq: number; channel: number; data: Uint8Array }
  // image: absent when this worker sent the same key before (the main thread cached it)
  | { type: 'spawn'; pid: number; key: string; limits: MemoryLimits; image?: Uint8Array<ArrayBuffer> }
  | { type: 'fork'; parentPid: number; request: RunRequest }
  // argv as the exec left it: by the time the main thread reads the message, the process
  // may have exited and been reaped.
  | { type: 'exec'; pid: number; argv: string[] }
  // last: no thread of the process is left, which ended with this wait status.
  | { type: 'terminate'; pid: number; tid: number; status: number; last: boolean }
  // A thread made by clone, to be run on a worker of its own.
  | { type: 'thread'; request: RunRequest }
  | { type: 'timer-service' }
  | { type: 'panic'; message: string }
  | { type: 'interrupt'; pid: number; tid: number }
  // A process's memory and the address of its interrupt word (sdk/interrupts.mjs), for
  // the main thread to set when the kernel asks.
  // runTid: the thread's id when its run started (an exec from a thread gives it the pid).
  // forked: memory is the one its fork gave this run (fork_memory.ts).
  | { type: 'memory'; pid: number; tid: number; runTid: number; memory: WebAssembly.Memory; word: number; forked: boolean };
