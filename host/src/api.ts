// The public API of wasmux on Node: boot a kernel, spawn programs, wait for them.
//
//   const w = await boot({ mounts: [{ host: '/data', guest: '/mnt' }] });
//   const p = w.spawn('hello.wasm', ['hello'], { env: { HOME: '/' } });
//   const { exitCode } = await p.wait();
import fs from 'node:fs';
import path from 'node:path';
import tty from 'node:tty';
import { Worker } from 'node:worker_threads';
import { ABI_VERSION } from './generated/abi.js';
import { KERNEL_INITIAL_PAGES, KERNEL_MAXIMUM_PAGES, KernelThread } from './kernel/kernel_instance.js';
import type { WorkerInit, WorkerReply } from './kernel/messages.js';
import { ProgramError } from './kernel/wasm_info.js';
import { ModuleCache } from './module_cache.js';
import type { HostMounts } from './node/host_fs.js';
import { WorkerPool, type PooledWorker } from './pool.js';

export { ProgramError } from './kernel/wasm_info.js';

export interface Mount {
  host: string; // a host directory
  guest: string; // where it appears inside wasmux
}

export interface BootOptions {
  kernelPath?: string;
  mounts?: Mount[];
  trace?: 'all' | 'unimplemented' | 'off';
  spareWorkers?: number;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExitInfo {
  status: number; // the raw wait status
  exitCode: number | null;
  signal: number | null;
}

const here = path.dirname(new URL(import.meta.url).pathname);
export const defaultKernelPath = path.resolve(here, '../../build/kernel-wasm/kernel.wasm');

function decodeStatus(status: number): ExitInfo {
  const sig = status & 0x7f;
  return sig === 0 ? { status, exitCode: (status >> 8) & 0xff, signal: null } : { status, exitCode: null, signal: sig };
}

export class ProcessHandle {
  private readonly done: Promise<ExitInfo>;

  constructor(readonly pid: number, done: Promise<ExitInfo>) {
    this.done = done;
  }

  wait(): Promise<ExitInfo> {
    return this.done;
  }
}

export class Wasmux {
  private readonly kernel: KernelThread;
  private readonly pool: WorkerPool;
  private readonly modules = new ModuleCache();
  private readonly mounts: HostMounts = {};
  private stdinWorker: Worker | undefined;
  private running = 0;

  constructor(private readonly kernelModule: WebAssembly.Module, options: BootOptions) {
    const kernelMemory = new WebAssembly.Memory({ initial: KERNEL_INITIAL_PAGES, maximum: KERNEL_MAXIMUM_PAGES, shared: true });
    options.mounts?.forEach((m, i) => (this.mounts[i + 1] = fs.realpathSync(m.host)));
    this.kernel = new KernelThread(kernelModule, kernelMemory, this.mounts);
    const k = this.kernel.exports;
    // The main thread's instance runs on the kernel's link-time stack; it alone does.
    k.__wasm_call_ctors();
    k.__wasm_init_tls(k.wasmux_kthread_alloc());
    const trace = options.trace ?? 'off';
    let flags = trace === 'all' ? 1 : trace === 'unimplemented' ? 2 : 0;
    for (let fd = 0; fd < 3; fd++) if (tty.isatty(fd)) flags |= 4 << fd;
    const size = process.stdout.isTTY ? process.stdout.getWindowSize() : [80, 24];
    const r = k.wasmux_boot(flags, size[1] ?? 24, size[0] ?? 80);
    if (r < 0) throw new Error(`kernel boot failed: errno ${-r}`);
    options.mounts?.forEach((m, i) => {
      const p = this.kernel.allocString(m.guest);
      const err = k.wasmux_mount_host(p, i + 1);
      k.wasmux_free(p);
      if (err < 0) throw new ProgramError(`cannot mount ${m.host} on ${m.guest}: errno ${-err}`, 2);
    });
    this.pool = new WorkerPool(
      { kernelModule, kernelMemory, allocRegion: () => k.wasmux_kthread_alloc(), mounts: this.mounts },
      options.spareWorkers ?? 1,
    );
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
    if (r < 0) throw new Error(`cannot write ${guestPath}: errno ${-r}`);
  }

  // Runs a wasm program from the host's file system as a new process.
  spawn(programPath: string, argv: string[], options: SpawnOptions = {}): ProcessHandle {
    const program = this.modules.load(programPath);
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    const pid = this.createProcess(argv, env, options.cwd ?? '/');
    this.ensureStdinReader();
    const worker = this.pool.acquire();
    const memory = program.info.memory!;
    const maximumPages = memory.maximumPages ?? 16384;
    this.running++;
    worker.worker.ref(); // a running process keeps the host alive; idle workers don't
    const done = new Promise<ExitInfo>((resolve) => {
      worker.onReply = (msg: WorkerReply) => {
        if (msg.type !== 'exit' || msg.pid !== pid) return;
        this.kernel.exports.wasmux_process_reap(pid);
        worker.worker.unref();
        this.pool.release(worker);
        this.running--;
        resolve(decodeStatus(msg.status));
      };
    });
    void worker.ready.then(() => this.post(worker, pid, program.module, memory.initialPages, maximumPages, programPath));
    return new ProcessHandle(pid, done);
  }

  private post(worker: PooledWorker, pid: number, module: WebAssembly.Module, initialPages: number, maximumPages: number, label: string): void {
    worker.worker.postMessage({ type: 'run', pid, module, initialPages, maximumPages, label });
  }

  private createProcess(argv: string[], env: string[], cwd: string): number {
    const enc = new TextEncoder();
    const parts = [...argv, ...env, cwd].map((s) => enc.encode(s + '\0'));
    const block = new Uint8Array(8 + parts.reduce((n, p) => n + p.length, 0));
    const view = new DataView(block.buffer);
    view.setUint32(0, argv.length, true);
    view.setUint32(4, env.length, true);
    let at = 8;
    for (const p of parts) {
      block.set(p, at);
      at += p.length;
    }
    const k = this.kernel.exports;
    const ptr = this.kernel.allocBytes(block);
    const pid = k.wasmux_process_create(ptr);
    k.wasmux_free(ptr);
    if (pid < 0) throw new ProgramError(pid === -2 ? `${cwd}: No such file or directory` : `cannot create process: errno ${-pid}`, 127);
    return pid;
  }

  private ensureStdinReader(): void {
    if (this.stdinWorker) return;
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
    await this.pool.close();
    await this.stdinWorker?.terminate();
  }
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
