// The public API of wasmux on Node: boot a kernel, spawn programs, wait for them.
//
//   const w = await boot({ mounts: [{ host: '/data', guest: '/mnt' }] });
//   const p = w.spawn('hello.wasm', ['hello'], { env: { HOME: '/' } });
//   const { exitCode } = await p.wait();
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import { Worker } from 'node:worker_threads';
import { ABI_VERSION, errno, signal } from './generated/abi.js';
import { KERNEL_INITIAL_PAGES, KERNEL_MAXIMUM_PAGES, KernelThread, writeAllSync } from './kernel/kernel_instance.js';
import type { RunRequest, WorkerInit, WorkerReply } from './kernel/messages.js';
import { errnoMessage, execFailureStatus, ProgramError, type MemoryLimits } from './program_error.js';
import { releaseForkMemory, type ForkMemory } from './fork_memory.js';
import { MemoryCollector } from './memory_collector.js';
import { ModuleCache, type Program } from './module_cache.js';
import type { HostMounts } from './node/host_fs.js';
import { HostNetwork, type HttpRequest, type HttpResponse } from './node/network.js';
import { Sequencer, WorkerPool } from './pool.js';
import { loadRootfsImage } from './rootfs_image.js';

export { ProgramError } from './program_error.js';

export interface Mount {
  host: string; // a host directory
  guest: string; // where it appears inside wasmux
}

// Observers of process lifecycles (the seed's onFork/onExec/onSpawn/onExit, for an
// embedder that watches rather than implements them: the kernel does the work).
export interface LifecycleHooks {
  onFork?(parentPid: number, childPid: number): void;
  onExec?(pid: number, argv: string[]): void;
  // A thread made by clone (pthread_create) starts on a worker; a thread's run ended (each
  // thread's, the main thread's too, before its process's onExit when it was the last).
  onClone?(pid: number, tid: number): void;
  onThreadExit?(pid: number, tid: number): void;
  onSpawn?(parentPid: number, childPid: number, argv: string[]): void;
  onExit?(pid: number, exit: ExitInfo): void;
  // A kernel panic: a trap in kernel code, or a host error while it ran. The kernel's state
  // cannot be trusted and its lock may never be released again. Default: report it on
  // stderr and end this process with status 70 (EX_SOFTWARE), rather than hang.
  onPanic?(message: string): void;
}

export interface BootOptions {
  kernelPath?: string;
  // The root filesystem image (a ustar archive) whose entries fill the root tmpfs at boot.
  // Default: the project's build/rootfs.tar when it exists; false: an empty root.
  rootfs?: string | false;
  mounts?: Mount[];
  trace?: 'all' | 'timed' | 'unimplemented' | 'off';
  spareWorkers?: number;
  hooks?: LifecycleHooks;
  // 'host' (default): guests reach the host's network through the network service
  // (kernel/net/host_net.h); 'none': loopback only.
  network?: 'host' | 'none';
}

export type OutputCallback = (data: Uint8Array) => void;

export interface StdioOptions {
  // 'inherit': the host's stdin (default); 'pipe': fed through the handle or
  // appendStdinData; bytes: the whole of stdin, then end of file.
  stdin?: 'inherit' | 'pipe' | string | Uint8Array;
  // 'inherit': the host's stdout/stderr (default); a function receives every write.
  stdout?: 'inherit' | OutputCallback;
  stderr?: 'inherit' | OutputCallback;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdio?: StdioOptions;
  pid?: number; // a pid from allocatePid(), configured before the spawn
}

// A thread running on a worker: the id it goes by now, and how to end its run when it is
// killed in user code (its worker terminated).
interface ThreadRun {
  key: number;
  pid: number; // its process (for the state dump)
  kill(): void;
  // A forked child's memory, kept by its parent's worker: given back once this run no
  // longer uses it (fork_memory.ts).
  forkMemory?: ForkMemory;
}

// A thread as getThreads tells it: what it is doing now.
export interface ThreadInfo {
  tid: number;
  state: 'user' | 'kernel' | 'sleeping' | 'stopped' | 'ending';
}

export interface ExitInfo {
  status: number; // the raw wait status
  exitCode: number | null;
  signal: number | null;
}

const here = path.dirname(new URL(import.meta.url).pathname);
export const defaultKernelPath = path.resolve(here, '../../build/kernel-wasm/kernel.wasm');
export const defaultRootfsPath = path.resolve(here, '../../build/rootfs.tar');
// The full image: the default one plus the larger ports (ports/build.sh --full).
export const fullRootfsPath = path.resolve(here, '../../build/rootfs-full.tar');


function decodeStatus(status: number): ExitInfo {
  const sig = status & 0x7f;
  return sig === 0 ? { status, exitCode: (status >> 8) & 0xff, signal: null } : { status, exitCode: null, signal: sig };
}

export class ProcessHandle {
  constructor(readonly pid: number, private readonly done: Promise<ExitInfo>, private readonly owner: Wasmux) {}

  wait(): Promise<ExitInfo> {
    return this.done;
  }

  // With stdio.stdin 'pipe': more input, and its end.
  write(data: Uint8Array | string): void {
    this.owner.appendStdinData(this.pid, data);
  }
  end(): void {
    this.owner.closeStdin(this.pid);
  }
}

export class Wasmux {
  private readonly kernel: KernelThread;
  private readonly pool: WorkerPool;
  private readonly modules = new ModuleCache((bytes) => this.kernel.inspectImage(bytes));
  private readonly mounts: HostMounts = {};
  private readonly hooks: LifecycleHooks;
  private readonly memories = new MemoryCollector();
  private stdinWorker: Worker | undefined;
  private stdinReaderArmed = false;
  private closed = false;
  private timerWorker: Worker | undefined;
  private readonly network: HostNetwork;
  private readonly networkMode: 'host' | 'none';
  // How to end the run of each thread running on a worker (by tid; a process's main
  // thread has the pid), when that thread is killed in user code.
  private readonly runs = new Map<number, ThreadRun>();
  // How to tell each running process's waiter (by pid) that it ended.
  private readonly processEnds = new Map<number, (status: number) => void>();
  // Per process: its thread runs not yet finished, and its end when that came first. Each
  // thread's worker reports on its own port, so the last thread's report (the process's
  // end) may arrive before another's: the end waits for them (onThreadExit of every thread
  // before onExit).
  private readonly liveRuns = new Map<number, number>();
  private readonly pendingEnds = new Map<number, number>();
  // Threads made by clone now running or starting (messages.ts maxCloneThreads).
  private readonly cloneThreads = new Int32Array(new SharedArrayBuffer(4));
  // Each running thread's interrupt word (sdk/interrupts.mjs), as a view and an index, by
  // tid; and the interrupts asked for before the thread's worker said where its word is.
  // The API channels made for each process (stdin, output callbacks), and those of ended
  // processes that a descriptor still uses (releaseChannels).
  private readonly processChannels = new Map<number, number[]>();
  private readonly channelsToRelease = new Set<number>();
  private readonly interruptWords = new Map<number, { view: Int32Array; index: number; run: ThreadRun }>();
  private readonly earlyInterrupts = new Set<number>();
  private running = 0;
  private readonly outputs = new Map<number, OutputCallback>(); // channel → callback
  private readonly stdinChannels = new Map<number, number>(); // pid → channel

  constructor(private readonly kernelModule: WebAssembly.Module, options: BootOptions) {
    this.hooks = options.hooks ?? {};
    const kernelMemory = new WebAssembly.Memory({ initial: KERNEL_INITIAL_PAGES, maximum: KERNEL_MAXIMUM_PAGES, shared: true });
    options.mounts?.forEach((m, i) => (this.mounts[i + 1] = hostMountRoot(m)));
    this.kernel = new KernelThread(kernelModule, kernelMemory, this.mounts);
    this.kernel.onTerminateThread = (pid, tid, status, last) => this.terminateProcessThread(pid, tid, status, last);
    this.kernel.onStartTimerService = () => setImmediate(() => this.startTimerService());
    this.kernel.onInterruptThread = (_pid, tid) => this.interruptThread(tid);
    const k = this.kernel.exports;
    // The main thread's instance runs on the kernel's link-time stack; it alone does.
    k.__wasm_call_ctors();
    k.__wasm_init_tls(k.wasmux_kthread_alloc());
    const trace = options.trace ?? 'off';
    let flags = trace === 'all' ? 1 : trace === 'timed' ? 1 | 32 : trace === 'unimplemented' ? 2 : 0;
    for (let fd = 0; fd < 3; fd++) if (tty.isatty(fd)) flags |= 4 << fd;
    this.networkMode = options.network ?? 'host';
    if (this.networkMode === 'host') flags |= 64;
    const size = process.stdout.isTTY ? process.stdout.getWindowSize() : [80, 24];
    const r = k.wasmux_boot(flags, size[1] ?? 24, size[0] ?? 80, os.availableParallelism());
    if (r < 0) throw new Error(`kernel boot failed: ${errnoMessage(-r)}`);
    // Before the mounts: a mount point may be a directory of the image.
    const rootfs = options.rootfs ?? (fs.existsSync(defaultRootfsPath) ? defaultRootfsPath : false);
    if (rootfs !== false) loadRootfsImage(this.kernel, rootfs);
    options.mounts?.forEach((m, i) => {
      const p = this.kernel.allocString(m.guest);
      const err = k.wasmux_mount_host(p, i + 1);
      k.wasmux_free(p);
      if (err < 0) throw new ProgramError(`cannot mount ${m.host} on ${m.guest}: ${errnoMessage(-err)}`, 2);
    });
    this.network = new HostNetwork(this.kernel, kernelModule, this.mounts);
    this.pool = new WorkerPool(
      {
        kernelModule,
        kernelMemory,
        allocRegion: () => k.wasmux_kthread_alloc(),
        mounts: this.mounts,
        onOutput: (channel, data) => this.outputs.get(channel)?.(data),
        sequencer: new Sequencer(),
        cloneThreads: this.cloneThreads,
        onSpawn: (pid, key, image, limits) => this.startChild(pid, key, image, limits),
        onFork: (parentPid, request) => {
          void this.runProcess(request);
          this.hooks.onFork?.(parentPid, request.pid);
        },
        onExec: (pid, argv) => this.hooks.onExec?.(pid, argv),
        onTerminate: (pid, tid, status, last) => this.terminateProcessThread(pid, tid, status, last),
        onThread: (request) => this.runThread(request),
        onTimerService: () => this.startTimerService(),
        onPanic: (message) => this.panic(message),
        onInterrupt: (tid) => this.interruptThread(tid),
        onMemory: (pid, tid, runTid, memory, word, forked) => this.registerThread(pid, tid, runTid, memory, word, forked),
        freeRegion: (region) => k.wasmux_kthread_free(region),
        releaseKilledThread: (tid) => k.wasmux_killed_thread_release(tid),
      },
      options.spareWorkers ?? 1,
    );
  }

  // The threads of process pid (an empty list for a process that is gone).
  getThreads(pid: number): ThreadInfo[] {
    const at = this.kernel.exports.wasmux_process_threads(pid);
    if (!at) return [];
    const words = new Uint32Array(this.kernel.kernelMemory.buffer, at);
    const states = ['user', 'kernel', 'sleeping', 'stopped', 'ending'] as const;
    const threads: ThreadInfo[] = [];
    for (let i = 0; i < words[0]!; i++) threads.push({ tid: words[1 + 2 * i]!, state: states[words[2 + 2 * i]!] ?? 'kernel' });
    return threads;
  }

  // How many children process pid has forked so far (0 for a process that is gone).
  getForkCount(pid: number): number {
    return this.kernel.describeProcess(pid)?.forkCount ?? 0;
  }

  // The kernel's heap in bytes: what is allocated, what the heap has taken from the kernel
  // memory (it never gives memory back, so this is its high-water mark), and of what is
  // allocated, the regions of the host's workers (their number follows the pool).
  getKernelHeap(): { inUse: number; size: number; workerRegions: number } {
    const k = this.kernel.exports;
    return { inUse: k.wasmux_heap_stat(0) >>> 0, size: k.wasmux_heap_stat(1) >>> 0, workerRegions: k.wasmux_heap_stat(2) >>> 0 };
  }

  getAbiVersion(): number {
    return this.kernel.exports.wasmux_abi_version();
  }

  // Writes a file into the guest's root file system.
  writeFile(guestPath: string, data: Uint8Array | string, mode = 0o644): void {
    const k = this.kernel.exports;
    const p = this.kernel.allocString(guestPath);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const d = this.kernel.allocBytes(bytes);
    const r = k.wasmux_write_file(p, d, bytes.length, mode);
    k.wasmux_free(p);
    k.wasmux_free(d);
    if (r < 0) throw new Error(`cannot write ${guestPath}: ${errnoMessage(-r)}`);
  }

  // A process to configure before spawn({pid}): its cwd, ids and stdio (seed: allocatePid).
  allocatePid(): number {
    return this.createProcess([], [], '/');
  }

  setCwd(pid: number, cwd: string): void {
    const p = this.kernel.allocString(cwd);
    const r = this.kernel.exports.wasmux_process_set_cwd(pid, p);
    this.kernel.exports.wasmux_free(p);
    if (r < 0) throw new ProgramError(`working directory ${cwd}: ${errnoMessage(-r)}`, 127);
  }

  setIds(pid: number, uid: number, gid: number): void {
    this.check(this.kernel.exports.wasmux_process_set_ids(pid, uid, gid), 'setIds');
  }

  // The whole of a process's stdin: data, then end of file.
  setStdinData(pid: number, data: Uint8Array | string): void {
    this.appendStdinData(pid, data);
    this.closeStdin(pid);
  }

  // More stdin for a process; it stays open until closeStdin.
  appendStdinData(pid: number, data: Uint8Array | string): void {
    const channel = this.stdinChannel(pid);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (bytes.length === 0) return;
    const p = this.kernel.allocBytes(bytes);
    const r = this.kernel.exports.wasmux_channel_input(channel, p, bytes.length);
    this.kernel.exports.wasmux_free(p);
    this.check(r, 'appendStdinData');
  }

  closeStdin(pid: number): void {
    this.check(this.kernel.exports.wasmux_channel_eof(this.stdinChannel(pid)), 'closeStdin');
  }

  // Where a process's stdout and stderr go: a callback each, or the host's streams.
  setOutputCallbacks(pid: number, callbacks: { stdout?: OutputCallback; stderr?: OutputCallback }): void {
    const entries: [number, OutputCallback | undefined][] = [[1, callbacks.stdout], [2, callbacks.stderr]];
    for (const [fd, cb] of entries) {
      if (!cb) continue;
      const channel = this.kernel.exports.wasmux_channel_create();
      this.outputs.set(channel, cb);
      this.noteChannel(pid, channel);
      this.check(this.kernel.exports.wasmux_process_set_stdio(pid, fd, channel), 'setOutputCallbacks');
    }
  }

  private stdinChannel(pid: number): number {
    let channel = this.stdinChannels.get(pid);
    if (channel === undefined) {
      channel = this.kernel.exports.wasmux_channel_create();
      this.noteChannel(pid, channel);
      this.check(this.kernel.exports.wasmux_process_set_stdio(pid, 0, channel), 'stdin');
      this.stdinChannels.set(pid, channel);
    }
    return channel;
  }

  private noteChannel(pid: number, channel: number): void {
    const list = this.processChannels.get(pid);
    if (list) list.push(channel);
    else this.processChannels.set(pid, [channel]);
  }

  // Process pid has ended: its channels go once no descriptor uses them (a child may hold
  // its stdout yet), and so do their output callbacks. Those still in use are asked about
  // again whenever a process ends.
  private releaseChannels(pid: number): void {
    for (const channel of this.processChannels.get(pid) ?? []) this.channelsToRelease.add(channel);
    this.processChannels.delete(pid);
    for (const channel of this.channelsToRelease) {
      if (this.kernel.exports.wasmux_channel_release(channel) === 0) continue;
      this.channelsToRelease.delete(channel);
      this.outputs.delete(channel);
    }
  }

  private check(r: number, what: string): void {
    if (r < 0) throw new Error(`${what}: ${errnoMessage(-r)}`);
  }

  // Runs a wasm program from the host's file system as a new process.
  spawn(programPath: string, argv: string[], options: SpawnOptions = {}): ProcessHandle {
    const program = this.modules.load(programPath);
    const pid = this.prepareProcess(argv, options);
    return this.startProcess(pid, program, programPath, options);
  }

  // Runs a program from the guest's own file systems (the root image's /bin/sh, say) as a
  // new process, found as execve(2) finds it: a "#!" script runs its interpreter.
  spawnGuest(guestPath: string, argv: string[], options: SpawnOptions = {}): ProcessHandle {
    const pid = this.prepareProcess(argv, options);
    let program: Program;
    try {
      program = this.loadGuestProgram(pid, guestPath);
    } catch (e) {
      if (options.pid === undefined) this.kernel.exports.wasmux_process_reap(pid);
      throw e;
    }
    return this.startProcess(pid, program, guestPath, options);
  }

  private loadGuestProgram(pid: number, guestPath: string): Program {
    const k = this.kernel.exports;
    const p = this.kernel.allocString(guestPath);
    const out = k.wasmux_alloc(16);
    const r = k.wasmux_process_load_program(pid, p, out);
    k.wasmux_free(p);
    if (r < 0) {
      k.wasmux_free(out);
      throw new ProgramError(`${guestPath}: ${errnoMessage(-r)}`, execFailureStatus(-r));
    }
    const view = new DataView(this.kernel.kernel().buffer, out, 16);
    const data = view.getUint32(0, true);
    const size = view.getUint32(4, true);
    const limits = { initialPages: view.getUint32(8, true), maximumPages: view.getUint32(12, true) };
    k.wasmux_free(out);
    const image = new Uint8Array(size);
    image.set(this.kernel.kernel().subarray(data, data + size));
    k.wasmux_free(data);
    try {
      return this.modules.fromBytes(image, limits);
    } catch (e) {
      if (e instanceof ProgramError) throw new ProgramError(`${guestPath}: ${e.message}`, e.exitCode);
      throw e;
    }
  }

  // The process a spawn runs in: made now, or the one allocatePid() gave, with argv/env/cwd.
  private prepareProcess(argv: string[], options: SpawnOptions): number {
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    let pid: number;
    if (options.pid !== undefined) {
      pid = options.pid;
      const block = this.kernel.allocBytes(packStrings(argv, env, ''));
      const r = this.kernel.exports.wasmux_process_set_args(pid, block);
      this.kernel.exports.wasmux_free(block);
      this.check(r, 'spawn');
      if (options.cwd !== undefined) this.setCwd(pid, options.cwd);
    } else {
      pid = this.createProcess(argv, env, options.cwd ?? '/');
    }
    return pid;
  }

  private startProcess(pid: number, program: Program, label: string, options: SpawnOptions): ProcessHandle {
    const stdio = options.stdio ?? {};
    if (stdio.stdin !== undefined && stdio.stdin !== 'inherit') {
      if (stdio.stdin === 'pipe') this.stdinChannel(pid);
      else this.setStdinData(pid, stdio.stdin);
    }
    const callbacks: { stdout?: OutputCallback; stderr?: OutputCallback } = {};
    if (typeof stdio.stdout === 'function') callbacks.stdout = stdio.stdout;
    if (typeof stdio.stderr === 'function') callbacks.stderr = stdio.stderr;
    this.setOutputCallbacks(pid, callbacks);
    if (!this.stdinChannels.has(pid)) this.ensureStdinReader();
    const done = this.run(pid, program, label).then((status) => {
      this.kernel.exports.wasmux_process_reap(pid);
      this.stdinChannels.delete(pid);
      this.releaseChannels(pid);
      return decodeStatus(status);
    });
    return new ProcessHandle(pid, done, this);
  }

  // Runs process pid's main thread on a pooled worker; resolves with the process's wait
  // status once it has ended (its last thread gone).
  private run(pid: number, program: Program, label: string): Promise<number> {
    const { initialPages, maximumPages } = program.limits;
    return this.runProcess({ type: 'run', pid, module: program.module, initialPages, maximumPages, label });
  }

  // A process's main thread (a new program, or a forked child): resolves when the process
  // has ended, whichever of its threads is the last to go.
  private runProcess(req: RunRequest): Promise<number> {
    const ended = new Promise<number>((resolve) => this.processEnds.set(req.pid, resolve));
    this.runThread(req);
    return ended;
  }

  // The process ended: its waiters learn its status, the embedder's hook too (once every
  // one of its thread runs has finished).
  private endProcess(pid: number, status: number): void {
    if ((this.liveRuns.get(pid) ?? 0) > 0) {
      this.pendingEnds.set(pid, status);
      return;
    }
    const resolve = this.processEnds.get(pid);
    this.processEnds.delete(pid);
    this.hooks.onExit?.(pid, decodeStatus(status));
    resolve?.(status);
  }

  // Runs one thread (a main thread, a clone) on a pooled worker until it ends: it reports
  // its exit (and whether its process ended with it), or it is killed in user code and its
  // worker terminated (DESIGN §4).
  private runThread(req: RunRequest): void {
    const pid = req.pid;
    const tid = req.thread?.tid ?? pid;
    if (req.thread) this.hooks.onClone?.(pid, tid);
    this.running++;
    this.liveRuns.set(pid, (this.liveRuns.get(pid) ?? 0) + 1);
    // Both ways a run ends (its exit, its thread killed in user code) come after the
    // worker has it: the thread attaches only once the request is there.
    void this.pool.acquire().then((worker) => {
      let finished = false;
      const finish = (killed: boolean): void => {
        // Once: a kill found before the thread's exit message was handled may come after it.
        if (finished) return;
        finished = true;
        if (req.thread) Atomics.sub(this.cloneThreads, 0, 1);
        this.hooks.onThreadExit?.(pid, run.key);
        // Only this run's entries: after an exec from a thread, another run may hold its
        // first id by now (fs/exec.c de_thread exchanges the ids).
        if (this.runs.get(run.key) === run) this.runs.delete(run.key);
        for (const [t, w] of this.interruptWords) if (w.run === run) this.interruptWords.delete(t);
        this.earlyInterrupts.delete(run.key);
        worker.worker.unref();
        const giveBack = (): void => this.releaseForkMemory(run, pid);
        if (!killed) {
          giveBack();
          this.pool.release(worker);
        } else {
          this.pool.discard(worker, run.key, giveBack); // the id the kernel killed it under
        }
        this.running--;
        this.runFinished(pid);
      };
      const run: ThreadRun = { key: tid, pid, kill: () => finish(true), forkMemory: req.resume?.memory };
      this.runs.set(tid, run);
      worker.onReply = (msg: WorkerReply) => {
        if (msg.type !== 'exit') return;
        finish(false);
        if (msg.processEnded) this.endProcess(msg.pid, msg.status);
      };
      worker.worker.ref(); // a running thread keeps the host alive; idle workers don't
      worker.worker.postMessage(req); // acquire hands out booted workers only
    }, () => this.runNotStarted(req));
  }

  // No worker could be started for this run: its process is killed (SIGKILL), a clean end
  // its parent's wait sees, rather than a run that waits for ever.
  // One of process pid's thread runs is over: its end, when it came first, is reported now.
  private runFinished(pid: number): void {
    const left = (this.liveRuns.get(pid) ?? 1) - 1;
    if (left > 0) {
      this.liveRuns.set(pid, left);
      return;
    }
    this.liveRuns.delete(pid);
    const status = this.pendingEnds.get(pid);
    if (status === undefined) return;
    this.pendingEnds.delete(pid);
    this.endProcess(pid, status);
  }

  private runNotStarted(req: RunRequest): void {
    const k = this.kernel.exports;
    const pid = req.pid;
    this.running--;
    this.runFinished(pid);
    if (!req.thread) {
      // A forked child's memory was never run on: its parent's worker may fill it again.
      if (req.resume) releaseForkMemory(req.resume.memory, pid);
      k.wasmux_process_fail(pid, signal.SIGKILL);
      this.endProcess(pid, signal.SIGKILL);
      return;
    }
    // A thread made by clone: its process is killed, and the thread, which never ran, is
    // finished the way a worker finishes one whose process ended before it attached.
    Atomics.sub(this.cloneThreads, 0, 1);
    k.wasmux_kill(pid, signal.SIGKILL);
    const r = this.kernel.attachClone(pid, req.thread.tid);
    if ('start' in r) return this.panic('a killed process\'s thread attached');
    if (r.ended >= 0) this.endProcess(pid, r.ended);
  }

  // A process the kernel made (posix_spawn): its parent reaps it through wait4, so the host
  // only runs it. An image the host cannot run ends it like a failed exec (status 127).
  private startChild(pid: number, key: string, image: Uint8Array<ArrayBuffer> | undefined, limits: MemoryLimits): void {
    let program: Program;
    try {
      program = this.modules.fromKey(key, image, limits);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      writeAllSync(2, new TextEncoder().encode(`wasmux: pid ${pid}: ${message}\n`));
      this.kernel.exports.wasmux_process_fail(pid, execFailureStatus(errno.ENOEXEC) << 8);
      return;
    }
    if (this.hooks.onSpawn) {
      const d = this.kernel.describeProcess(pid);
      if (d) this.hooks.onSpawn(d.ppid, pid, d.argv);
    }
    void this.run(pid, program, `pid ${pid}`);
  }

  // A process's thread was killed while it ran user code (a fatal signal, SIGKILL): its
  // worker is terminated and its run ends with the process's wait status (DESIGN §4).
  // Deferred: the kernel asks for it with its lock held.
  private terminateProcessThread(pid: number, tid: number, status: number, last: boolean): void {
    // The run is found now, in message order: a later message (an exec from another thread
    // taking this id) must not make the kill hit another run.
    const run = this.runs.get(tid);
    setImmediate(() => {
      run?.kill();
      if (last) this.endProcess(pid, status);
    });
  }

  private panic(message: string): void {
    if (this.hooks.onPanic) return this.hooks.onPanic(message);
    writeAllSync(2, new TextEncoder().encode(`wasmux: kernel panic: ${message}\n`));
    // What the kernel looked like when it stopped (its heap checked, each process), for
    // the report: a panic seen once in CI must be chased from its log.
    this.dumpState();
    process.exit(70);
  }

  // The kernel has a signal or a stop for thread tid, which runs user code: set its
  // interrupt word.
  private interruptThread(tid: number): void {
    const w = this.interruptWords.get(tid);
    if (!w) {
      if (this.runs.has(tid)) this.earlyInterrupts.add(tid);
      return;
    }
    Atomics.store(w.view, w.index, 1);
  }

  // Thread tid of process pid runs on memory (a new one after each exec) with its interrupt
  // word there. The process's other threads share its main thread's memory: only that one
  // is counted for collection (noting the same 1 GiB for each new thread would collect on
  // every thread start).
  // runTid: the id the run started with (an exec from a thread gives it the pid).
  // forked: memory is the one the run's fork gave it; otherwise the run has left that one.
  private registerThread(pid: number, tid: number, runTid: number, memory: WebAssembly.Memory, word: number, forked: boolean): void {
    if (tid === pid && !forked) {
      this.memories.note(memory);
      this.memories.maybeCollect();
    }
    const run = this.runs.get(runTid) ?? this.runs.get(tid);
    if (!run) return; // already over
    if (run.key !== tid) {
      if (this.runs.get(run.key) === run) this.runs.delete(run.key);
      run.key = tid;
      this.runs.set(tid, run);
    }
    this.interruptWords.set(tid, { view: new Int32Array(memory.buffer), index: word >>> 2, run });
    if (!forked) this.releaseForkMemory(run, pid);
    if (this.earlyInterrupts.delete(tid)) this.interruptThread(tid);
  }

  // The run no longer uses the memory its fork gave it (and its interrupt word there is
  // dropped): the parent's worker may fill it for another child.
  private releaseForkMemory(run: ThreadRun, pid: number): void {
    if (!run.forkMemory) return;
    releaseForkMemory(run.forkMemory, pid);
    run.forkMemory = undefined;
  }

  // The kernel's timer service thread (alarm, setitimer), started on first use.
  private startTimerService(): void {
    if (this.timerWorker) return; // the kernel asks once; a second request changes nothing
    const init: WorkerInit = {
      role: 'timer',
      kernelModule: this.kernelModule,
      kernelMemory: this.kernel.kernelMemory,
      region: this.kernel.exports.wasmux_kthread_alloc(),
      mounts: this.mounts,
    };
    this.timerWorker = new Worker(new URL('./timer_worker.js', import.meta.url), { workerData: init });
    this.timerWorker.on('message', (m: WorkerReply) => {
      if (m.type === 'terminate') this.terminateProcessThread(m.pid, m.tid, m.status, m.last);
      else if (m.type === 'interrupt') this.interruptThread(m.tid);
    });
    this.timerWorker.unref();
  }

  // The kernel's processes and threads, written to stderr (for seeing why something waits).
  dumpState(): void {
    try {
      this.kernel.exports.wasmux_dump_state();
    } catch (e) {
      // Read without the lock (when it stays held), a table may be caught mid-change.
      process.stderr.write(`wasmux: the state dump stopped part-way: ${(e as Error).message}\n`);
    }
    // The host's side: the thread runs on workers, the processes whose end is awaited,
    // and the ends held back until a process's other thread runs finish.
    const runs = [...this.runs.values()].map((r) => `${r.pid}/${r.key}`).join(' ') || 'none';
    const awaited = [...this.processEnds.keys()].join(' ') || 'none';
    const held = [...this.pendingEnds.keys()].map((pid) => `${pid} (${this.liveRuns.get(pid) ?? 0} runs left)`).join(' ') || 'none';
    process.stderr.write(`---- wasmux host state ----\nthread runs (pid/tid): ${runs}\nprocess ends awaited: ${awaited}\nends held for thread runs: ${held}\nworkers running threads: ${this.running}\n`);
  }

  // Guest TCP port guestPort reachable on the host at hostAddress:hostPort (--publish).
  publish(hostPort: number, guestPort: number, hostAddress = '127.0.0.1'): Promise<void> {
    if (this.networkMode === 'none') return Promise.reject(new ProgramError('--publish needs host networking (it is off: --network=none)', 2));
    return this.network.publish(hostPort, guestPort, hostAddress);
  }

  // An HTTP/1.1 request to a guest server on TCP port `port`, through the kernel.
  sendHttpRequest(port: number, request?: HttpRequest): Promise<HttpResponse> {
    return this.network.sendHttpRequest(port, request);
  }

  // The guest listener the next connection from the host to `port` reaches, or null.
  pickListenerTarget(port: number): { pid: number; fd: number } | null {
    return this.network.pickListenerTarget(port);
  }

  // kill(2) from the host: signal sig to process pid (a negative pid: that process group).
  kill(pid: number, sig: number): void {
    this.check(this.kernel.exports.wasmux_kill(pid, sig), 'kill');
  }

  private createProcess(argv: string[], env: string[], cwd: string): number {
    const k = this.kernel.exports;
    const ptr = this.kernel.allocBytes(packStrings(argv, env, cwd));
    const pid = k.wasmux_process_create(ptr);
    k.wasmux_free(ptr);
    if (pid < 0) throw new ProgramError(pid === -errno.ENOENT ? `working directory ${cwd}: ${errnoMessage(-pid)}` : `cannot create process: ${errnoMessage(-pid)}`, 127);
    return pid;
  }

  // The host's stdin reader, started when a process first wants console input: the kernel
  // sets and notifies its want word then (kernel/host/host_channels.h), which this thread
  // awaits without blocking. A program that never reads its stdin costs no worker, and
  // one that does is not slowed at its start by another worker booting beside it.
  private ensureStdinReader(): void {
    if (this.stdinReaderArmed) return;
    this.stdinReaderArmed = true;
    const want = new Int32Array(this.kernel.kernelMemory.buffer);
    const wait = Atomics.waitAsync(want, this.kernel.exports.wasmux_console_want_word() >>> 2, 0);
    if (wait.async) void wait.value.then(() => this.startStdinReader());
    else this.startStdinReader();
  }

  private startStdinReader(): void {
    if (this.stdinWorker || this.closed) return;
    const init: WorkerInit = {
      role: 'stdin',
      kernelModule: this.kernelModule,
      kernelMemory: this.kernel.kernelMemory,
      region: this.kernel.exports.wasmux_kthread_alloc(),
      mounts: this.mounts,
    };
    this.stdinWorker = new Worker(new URL('./stdin_worker.js', import.meta.url), { workerData: init });
    this.stdinWorker.unref();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.pool.close();
    await this.stdinWorker?.terminate();
    await this.timerWorker?.terminate();
    await this.network.close();
  }
}

// The host directory a mount shows, resolved (symlinks followed); a ProgramError naming
// the problem when it is not a directory that can be read.
function hostMountRoot(m: Mount): string {
  let real: string;
  try {
    real = fs.realpathSync(m.host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : String(code ?? e);
    throw new ProgramError(`cannot mount ${m.host}: ${why}`, 2);
  }
  if (!fs.statSync(real).isDirectory()) throw new ProgramError(`cannot mount ${m.host}: not a directory`, 2);
  return real;
}

// The string block the kernel's process exports take: argc, envc (u32 LE), then argv,
// envp and a last string (the cwd), each NUL-terminated.
function packStrings(argv: string[], env: string[], last: string): Uint8Array {
  const enc = new TextEncoder();
  const parts = [...argv, ...env, last].map((s) => enc.encode(s + '\0'));
  const block = new Uint8Array(8 + parts.reduce((n, p) => n + p.length, 0));
  const view = new DataView(block.buffer);
  view.setUint32(0, argv.length, true);
  view.setUint32(4, env.length, true);
  let at = 8;
  for (const p of parts) {
    block.set(p, at);
    at += p.length;
  }
  return block;
}

export async function boot(options: BootOptions = {}): Promise<Wasmux> {
  const kernelPath = options.kernelPath ?? defaultKernelPath;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await fs.promises.readFile(kernelPath));
  } catch {
    throw new ProgramError(`kernel not found at ${kernelPath} (run scripts/build.sh)`, 2);
  }
  const module = await WebAssembly.compile(bytes);
  const w = new Wasmux(module, options);
  if (w.getAbiVersion() !== ABI_VERSION) throw new ProgramError(`kernel speaks ABI ${w.getAbiVersion()}, host expects ${ABI_VERSION}`, 2);
  return w;
}
