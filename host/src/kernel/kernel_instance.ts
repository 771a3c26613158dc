// One instance of the kernel module on the shared kernel memory: a "kernel thread"
// (DESIGN §1). Each worker (and the main thread) has its own, with its own stack and TLS
// region, its "host" imports bound to that worker's current user memory.
import fs from 'node:fs';
import { ABI_VERSION, errno, image as imageProblem } from '../generated/abi.js';
import { faultsInjected, injectedFault } from '../faults.js';
import { writeWhenWritable } from '../node/host_fd_writer.js';
import { hostFsImports, type HostMounts } from '../node/host_fs.js';
import { ProgramError, type MemoryLimits } from '../program_error.js';
import { makeUserCopyBridge, type UserCopyBridge } from './user_copy_bridge.js';

export interface KernelExports {
  memory?: WebAssembly.Memory;
  __stack_pointer: WebAssembly.Global;
  __wasm_init_tls(base: number): void;
  __wasm_call_ctors(): void;
  wasmux_syscall(nr: number, a: bigint, b: bigint, c: bigint, d: bigint, e: bigint, f: bigint): bigint;
  wasmux_abi_version(): number;
  wasmux_trapped_in_kernel(): number;
  wasmux_dump_state(): void;
  wasmux_heap_stat(which: number): number;
  wasmux_boot(flags: number, rows: number, cols: number, cpus: number): number;
  wasmux_kthread_region_size(): number;
  wasmux_kthread_alloc(): number;
  wasmux_kthread_free(base: number): void;
  wasmux_alloc(n: number): number;
  wasmux_free(p: number): void;
  wasmux_process_create(block: number): number;
  wasmux_thread_attach(pid: number, heapBase: number): number;
  wasmux_thread_attach_clone(pid: number, tid: number, out: number): number;
  wasmux_thread_finish(signal: number): number;
  wasmux_thread_process_exited(): number;
  wasmux_fork(): number;
  wasmux_fork_posted(): number;
  wasmux_fork_memory_dirty(pid: number, pages: number): void;
  wasmux_memory_ranges(): number;
  wasmux_thread_exec_image_size(): number;
  wasmux_thread_exec_image_data(): number;
  wasmux_thread_exec_image_key(): number;
  wasmux_thread_exec_start(heapBase: number): number;
  wasmux_thread_exec_image_memory(): number;
  wasmux_inspect_image(image: number, len: number, out: number): number;
  wasmux_process_status(pid: number): number;
  wasmux_kill(pid: number, sig: number): number;
  wasmux_process_threads(pid: number): number;
  wasmux_process_describe(pid: number): number;
  wasmux_killed_thread_release(tid: number): void;
  wasmux_timer_service(): void;
  wasmux_process_reap(pid: number): void;
  wasmux_process_fail(pid: number, status: number): void;
  wasmux_mount_host(path: number, mountId: number): number;
  wasmux_write_file(path: number, data: number, len: number, mode: number): number;
  wasmux_make_directory(path: number, mode: number): number;
  wasmux_make_symlink(path: number, target: number): number;
  wasmux_process_load_program(pid: number, path: number, out: number): number;
  wasmux_console_want_word(): number;
  wasmux_channel_create(): number;
  wasmux_channel_input(channel: number, data: number, len: number): number;
  wasmux_channel_eof(channel: number): number;
  wasmux_channel_release(channel: number): number;
  wasmux_process_set_stdio(pid: number, fd: number, channel: number): number;
  wasmux_process_set_cwd(pid: number, path: number): number;
  wasmux_process_set_ids(pid: number, uid: number, gid: number): number;
  wasmux_process_set_args(pid: number, block: number): number;
  wasmux_net_word(): number;
  wasmux_net_next(out: number): number;
  wasmux_net_take(handle: number, buf: number, max: number, address: number): number;
  wasmux_net_connected(handle: number): number;
  wasmux_net_failed(handle: number, err: number): number;
  wasmux_net_input(handle: number, data: number, len: number): number;
  wasmux_net_datagram(handle: number, from: number, data: number, len: number): number;
  wasmux_net_end(handle: number): number;
  wasmux_net_release(handle: number): void;
  wasmux_net_inbound(port: number, from: number): number;
  wasmux_net_next_listener(port: number, out: number): number;
}

// The kernel memory's pages at boot; it grows as the kernel allocates.
export const KERNEL_INITIAL_PAGES = 256;
export const KERNEL_MAXIMUM_PAGES = 65536;

// What the process-thread exports return once the thread was killed in user code: its
// worker is about to be terminated and must not enter the kernel again.
// A thread's start record as clone stored it (abi::CloneStart).
export interface CloneStart {
  func: number;
  arg: number;
  stackPointer: number;
  tlsBlock: number;
  threadPointer: number;
  interruptWord: number;
}

export const THREAD_KILLED = -1000000;

const { EFAULT, EAGAIN, EBADF, ENOSYS } = errno;

export class KernelThread {
  readonly exports: KernelExports;
  private kernelBytes: Uint8Array;
  private userMemory: WebAssembly.Memory | undefined;
  private userTable: WebAssembly.Table | undefined;
  private userMaximumPages = 0;
  private userBytes: Uint8Array = new Uint8Array(0);
  private bridge: UserCopyBridge | undefined;
  private readonly clockOffset: bigint;
  private readonly textDecoder = new TextDecoder();

  // Output on API channels (≥ 3) goes to the embedder through this hook.
  onChannelOutput: ((channel: number, data: Uint8Array) => void) | undefined;
  // A process made by the kernel (posix_spawn) to start with the wasm image identified by
  // key (the kernel's ProgramKey); image() copies the bytes, when they are needed.
  onStartProcess: ((pid: number, key: string, image: () => Uint8Array<ArrayBuffer>, limits: MemoryLimits) => void) | undefined;
  // The worker running thread tid of process pid must be terminated (it runs user code and
  // its process ended with this wait status). Every instance that can send signals needs it.
  onTerminateThread: ((pid: number, tid: number, status: number, last: boolean) => void) | undefined;
  // Thread tid of process pid (made by clone) is to start on a worker of its own.
  // false: no more threads can be run (the kernel's clone then fails with EAGAIN).
  onStartThread: ((pid: number, tid: number) => boolean) | undefined;
  // The kernel wants its timer service thread started.
  onStartTimerService: (() => void) | undefined;
  // The interrupt word of thread tid of process pid is to be set (it runs user code and
  // has a signal to see to). Every instance that can send signals needs it.
  onInterruptThread: ((pid: number, tid: number) => void) | undefined;

  constructor(module: WebAssembly.Module, readonly kernelMemory: WebAssembly.Memory, mounts: HostMounts) {
    this.kernelBytes = new Uint8Array(kernelMemory.buffer);
    this.clockOffset = BigInt(Date.now()) * 1000000n - process.hrtime.bigint();
    const instance = new WebAssembly.Instance(module, {
      env: { memory: kernelMemory },
      host: { ...this.memoryImports(), ...hostFsImports(mounts, () => this.kernel(), (end) => this.user(end)) },
    });
    this.exports = instance.exports as unknown as KernelExports;
  }

  // Gives this instance its own stack and TLS (a region allocated by the kernel).
  enterRegion(base: number): void {
    this.exports.__stack_pointer.value = base + this.exports.wasmux_kthread_region_size();
    this.exports.__wasm_init_tls(base);
  }

  // The kernel traps out of a syscall whose process ended (after its frames unwound): its
  // stack pointer is then left where that export's frame put it. The caller saves the value
  // before running the guest and puts it back after any trap.
  get stackPointer(): number {
    return Number(this.exports.__stack_pointer.value);
  }
  set stackPointer(value: number) {
    this.exports.__stack_pointer.value = value;
  }

  // table: the guest's function table, when it exports it (wasmux-cc links with
  // --export-table), for the real parameter count of a signal handler.
  bindUserMemory(memory: WebAssembly.Memory | undefined, table?: WebAssembly.Table, maximumPages = 0): void {
    this.userMemory = memory;
    this.userTable = table;
    this.userMaximumPages = maximumPages;
    this.userBytes = memory ? new Uint8Array(memory.buffer) : new Uint8Array(0);
    this.bridge = memory ? makeUserCopyBridge(this.kernelMemory, memory) : undefined;
  }

  // Views over shared memories must be re-made after growth (TOOLCHAIN-NOTES).
  kernel(): Uint8Array {
    if (this.kernelBytes.length !== this.kernelMemory.buffer.byteLength) this.kernelBytes = new Uint8Array(this.kernelMemory.buffer);
    return this.kernelBytes;
  }

  private user(end: number): Uint8Array | undefined {
    if (end > this.userBytes.length && this.userMemory) this.userBytes = new Uint8Array(this.userMemory.buffer);
    return end <= this.userBytes.length ? this.userBytes : undefined;
  }

  // Strings into kernel memory for the exports that take them; free with exports.wasmux_free.
  allocString(s: string): number {
    const bytes = new TextEncoder().encode(s + '\0');
    return this.allocBytes(bytes);
  }

  allocBytes(bytes: Uint8Array): number {
    const p = this.exports.wasmux_alloc(Math.max(bytes.length, 1));
    this.kernel().set(bytes, p);
    return p;
  }

  private memoryImports(): Record<string, (...args: never[]) => unknown> {
    return {
      copy_from_user: (kdst: number, usrc: number, len: number): number => {
        kdst >>>= 0; usrc >>>= 0; len >>>= 0;
        const u = this.user(usrc + len);
        if (!u) return -1;
        const k = this.kernel();
        if (kdst + len > k.length) return -1;
        if (this.bridge) this.bridge.from_user(kdst, usrc, len);
        else k.set(u.subarray(usrc, usrc + len), kdst);
        return 0;
      },
      copy_to_user: (udst: number, ksrc: number, len: number): number => {
        udst >>>= 0; ksrc >>>= 0; len >>>= 0;
        const u = this.user(udst + len);
        if (!u) return -1;
        const k = this.kernel();
        if (ksrc + len > k.length) return -1;
        if (this.bridge) this.bridge.to_user(udst, ksrc, len);
        else u.set(k.subarray(ksrc, ksrc + len), udst);
        return 0;
      },
      fill_user: (udst: number, byte: number, len: number): number => {
        udst >>>= 0; len >>>= 0;
        const u = this.user(udst + len);
        if (!u) return -1;
        if (this.bridge) this.bridge.fill_user(udst, byte, len);
        else u.fill(byte, udst, udst + len);
        return 0;
      },
      user_strnlen: (usrc: number, max: number): number => {
        usrc >>>= 0; max >>>= 0;
        const u = this.user(usrc + 1);
        if (!u) return -1;
        const end = Math.min(u.length, usrc + max);
        const nul = u.subarray(usrc, end).indexOf(0);
        if (nul >= 0) return nul;
        return end - usrc >= max ? max : -1;
      },
      // -EFAULT, or the old value of the aligned word (Atomics, as the guest's threads see it).
      user_compare_exchange: (addr: number, expected: number, desired: number): bigint => {
        addr >>>= 0;
        const u = this.user(addr + 4);
        if (!u || addr % 4) return BigInt(-EFAULT);
        const words = new Int32Array(u.buffer, 0, u.length >>> 2);
        return BigInt(Atomics.compareExchange(words, addr >>> 2, expected | 0, desired | 0) >>> 0);
      },
      user_memory_pages: (): number => (this.userMemory ? this.userMemory.buffer.byteLength / 65536 : 0),
      user_memory_grow: (pages: number): number => {
        if (!this.userMemory) return -1;
        if (faultsInjected && injectedFault('memory_grow')) return -1;
        try {
          const old = this.userMemory.grow(pages);
          this.userBytes = new Uint8Array(this.userMemory.buffer);
          return old;
        } catch {
          return -1;
        }
      },
      realtime_ns: (): bigint => process.hrtime.bigint() + this.clockOffset,
      monotonic_ns: (): bigint => process.hrtime.bigint(),
      thread_cputime_ns: (): bigint => {
        const usage = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage();
        return BigInt(usage.user + usage.system) * 1000n;
      },
      random_bytes: (kdst: number, len: number): void => {
        const tmp = new Uint8Array(len >>> 0);
        crypto.getRandomValues(tmp);
        this.kernel().set(tmp, kdst >>> 0);
      },
      stdio_write_user: (fd: number, usrc: number, len: number): number => {
        usrc >>>= 0; len >>>= 0;
        const u = this.user(usrc + len);
        if (!u) return -EFAULT;
        if (fd >= 3) {
          if (!this.onChannelOutput) return -EBADF;
          this.onChannelOutput(fd, u.slice(usrc, usrc + len));
          return len;
        }
        return writeAllSync(fd, u.subarray(usrc, usrc + len));
      },
      stdio_write_kernel: (fd: number, ksrc: number, len: number): number => {
        ksrc >>>= 0; len >>>= 0;
        const k = this.kernel();
        if (fd >= 3) {
          if (!this.onChannelOutput) return -EBADF;
          this.onChannelOutput(fd, k.slice(ksrc, ksrc + len));
          return len;
        }
        return writeAllSync(fd, k.subarray(ksrc, ksrc + len));
      },
      start_process: (pid: number, kimage: number, len: number, kkey: number, initialPages: number, maximumPages: number): number => {
        if (!this.onStartProcess) return -ENOSYS;
        // A copy in a plain ArrayBuffer (it is transferred to the main thread), made only
        // when the receiver has not seen this key.
        const image = (): Uint8Array<ArrayBuffer> => {
          const bytes = new Uint8Array(len >>> 0);
          bytes.set(this.kernel().subarray(kimage >>> 0, (kimage >>> 0) + (len >>> 0)));
          return bytes;
        };
        this.onStartProcess(pid, this.programKey(kkey), image, { initialPages, maximumPages });
        return 0;
      },
      terminate_thread: (pid: number, tid: number, status: number, last: number): void => {
        this.onTerminateThread?.(pid, tid, status, last !== 0);
      },
      start_thread: (pid: number, tid: number): number => {
        if (!this.onStartThread || !this.onStartThread(pid, tid)) return -EAGAIN;
        return 0;
      },
      // Before a process's second thread: all of its memory at once (never grown again).
      user_memory_grow_to_maximum: (): number => {
        if (!this.userMemory) return -1;
        const pages = this.userMemory.buffer.byteLength / 65536;
        if (pages >= this.userMaximumPages) return 0;
        try {
          this.userMemory.grow(this.userMaximumPages - pages);
          this.userBytes = new Uint8Array(this.userMemory.buffer);
          return 0;
        } catch {
          return -1;
        }
      },
      start_timer_service: (): void => {
        this.onStartTimerService?.();
      },
      interrupt_thread: (pid: number, tid: number): void => {
        this.onInterruptThread?.(pid, tid);
      },
      // A wasm function's JS wrapper has its parameter count as its length.
      guest_function_params: (fn: number): number => {
        try {
          const f: unknown = this.userTable?.get(fn >>> 0);
          return typeof f === 'function' ? f.length : -1;
        } catch {
          return -1; // outside the table
        }
      },
      log: (ktext: number, len: number): void => {
        const k = this.kernel();
        writeAllSync(2, k.slice(ktext >>> 0, (ktext >>> 0) + (len >>> 0)));
      },
    };
  }

  // Takes thread tid that clone made in process pid, as a worker does before running it
  // (kernel/entry/kernel.h attach_cloned_thread): its start record, or, when it is not to
  // run (its process ended first; the kernel finished it), the wait status to report for
  // its process (-1: none, the process goes on or another reports it).
  attachClone(pid: number, tid: number): { start: CloneStart } | { ended: number } {
    const k = this.exports;
    const out = k.wasmux_alloc(8);
    try {
      const r = k.wasmux_thread_attach_clone(pid, tid, out);
      const words = new Uint32Array(this.kernelMemory.buffer, out, 2);
      if (r < 0) return { ended: words[1]! | 0 };
      const s = new Uint32Array(this.kernelMemory.buffer, words[0]!, 6);
      return {
        start: { func: s[0]!, arg: s[1]!, stackPointer: s[2]!, tlsBlock: s[3]!, threadPointer: s[4]!, interruptWord: s[5]! },
      };
    } finally {
      k.wasmux_free(out);
    }
  }

  // What the kernel tells of process pid (wasmux_process_describe), or undefined when it is
  // gone. Takes the big lock: never call it from inside a system call.
  describeProcess(pid: number): { ppid: number; forkCount: number; argv: string[] } | undefined {
    const at = this.exports.wasmux_process_describe(pid);
    if (!at) return undefined;
    const view = new DataView(this.kernelMemory.buffer);
    const len = view.getUint32(at + 8, true);
    const argv = this.decode(this.kernel().slice(at + 12, at + 12 + len)).split('\0').slice(0, -1);
    return { ppid: view.getUint32(at, true), forkCount: view.getUint32(at + 4, true), argv };
  }

  // Whether the kernel would run this image (kernel/exec/wasm_image.h), and its memory
  // limits; a ProgramError naming the problem otherwise. Takes the big lock.
  inspectImage(bytes: Uint8Array): MemoryLimits {
    const k = this.exports;
    const image = this.allocBytes(bytes);
    const out = k.wasmux_alloc(16);
    try {
      const r = k.wasmux_inspect_image(image, bytes.length, out);
      const words = new Uint32Array(this.kernelMemory.buffer, out, 4);
      if (r >= 0) return { initialPages: words[0]!, maximumPages: words[1]! };
      const messages: Record<number, string> = {
        [imageProblem.IMAGE_NOT_WASM]: 'not a WebAssembly module',
        [imageProblem.IMAGE_MALFORMED]: 'truncated or malformed WebAssembly module',
        [imageProblem.IMAGE_NO_ABI_SECTION]: 'not a wasmux program (no wasmux.abi section; build it with bin/wasmux-cc)',
        [imageProblem.IMAGE_OTHER_ABI]: `built for wasmux ABI ${words[3]}, this kernel runs ABI ${ABI_VERSION}`,
        [imageProblem.IMAGE_NO_SHARED_MEMORY]: 'the program does not import a shared memory',
      };
      throw new ProgramError(messages[words[2]!] ?? `cannot run: errno ${-r}`);
    } finally {
      k.wasmux_free(image);
      k.wasmux_free(out);
    }
  }

  // The memory limits of the image an execve left for this thread (checked by the kernel).
  execImageLimits(): MemoryLimits {
    const at = this.exports.wasmux_thread_exec_image_memory();
    const words = new Uint32Array(this.kernelMemory.buffer, at, 2);
    return { initialPages: words[0]!, maximumPages: words[1]! };
  }

  // A ProgramKey (five u64 words at kaddr in kernel memory) as a cache key.
  programKey(kaddr: number): string {
    const words = new BigUint64Array(this.kernelMemory.buffer, kaddr >>> 0, 5);
    return `image:${Array.from(words).join(':')}`;
  }

  decode(bytes: Uint8Array): string {
    return this.textDecoder.decode(bytes);
  }
}


// Writes everything to a host fd. A fd some other program made non-blocking (EAGAIN) is
// handed to the writer worker, which waits for it to be writable (node/host_fd_writer.ts).
// Returns bytes written or -errno.
export function writeAllSync(fd: number, data: Uint8Array): number {
  let done = 0;
  while (done < data.length) {
    try {
      done += fs.writeSync(fd, data, done, data.length - done);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EAGAIN') {
        const rest = writeWhenWritable(fd, data.subarray(done));
        if (rest < 0) return done ? done : rest;
        return done + rest;
      }
      if (done) return done;
      return -(typeof err.errno === 'number' ? Math.abs(err.errno) : EAGAIN);
    }
  }
  return done;
}
