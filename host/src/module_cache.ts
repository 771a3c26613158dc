// Compiled program modules, cached by file identity so a second run of the same program
// skips compilation (DESIGN §4).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { errno } from './generated/abi.js';
import { errnoMessage, execFailureStatus, ProgramError, type MemoryLimits } from './program_error.js';

export interface Program {
  module: WebAssembly.Module;
  limits: MemoryLimits;
}

// Whether the kernel runs an image, and its memory limits (KernelThread.inspectImage).
export type InspectImage = (bytes: Uint8Array) => MemoryLimits;

export class ModuleCache {
  private cache = new Map<string, Program>();
  private failures = new Map<string, ProgramError>();

  constructor(private readonly inspect: InspectImage) {}

  load(hostPath: string): Program {
    let st: fs.Stats;
    try {
      st = fs.statSync(hostPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const n = code ? (errno as Record<string, number>)[code] : undefined;
      throw new ProgramError(n ? errnoMessage(n) : `cannot open: ${code}`, n ? execFailureStatus(n) : 126);
    }
    if (st.isDirectory()) throw new ProgramError(errnoMessage(errno.EISDIR));
    const key = `${hostPath}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const bytes = new Uint8Array(fs.readFileSync(hostPath));
    return this.compile(key, bytes, this.inspect(bytes));
  }

  // A program the kernel read from its own file systems, cached by its program key
  // (kernel/host/host_port.h ProgramKey); the bytes come the first time a worker sends it.
  // The kernel checked it and gives its limits.
  fromKey(key: string, bytes: Uint8Array<ArrayBuffer> | undefined, limits: MemoryLimits): Program {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const failure = this.failures.get(key);
    if (failure) throw failure; // a worker sends each image once: remember why it failed
    if (!bytes) throw new ProgramError('the program image was not sent (host cache out of step)');
    try {
      return this.compile(key, bytes, limits);
    } catch (e) {
      if (e instanceof ProgramError) this.failures.set(key, e);
      throw e;
    }
  }

  // A program image the kernel read from its own file systems, cached by content.
  // The kernel checked it and gives its limits.
  fromBytes(bytes: Uint8Array<ArrayBuffer>, limits: MemoryLimits): Program {
    const key = `sha1:${crypto.createHash('sha1').update(bytes).digest('hex')}`;
    return this.cache.get(key) ?? this.compile(key, bytes, limits);
  }

  // The kernel has checked the image's shape; compiling checks its code.
  private compile(key: string, bytes: Uint8Array<ArrayBuffer>, limits: MemoryLimits): Program {
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new ProgramError(`invalid WebAssembly module: ${(e as Error).message}`);
    }
    const program = { module, limits };
    this.cache.set(key, program);
    return program;
  }
}
