// Compiled program modules, cached by file identity so a second run of the same program
// skips compilation (DESIGN §4).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ABI_VERSION } from './generated/abi.js';
import { inspectWasm, ProgramError, type WasmInfo } from './kernel/wasm_info.js';

export interface Program {
  module: WebAssembly.Module;
  info: WasmInfo;
}

export class ModuleCache {
  private cache = new Map<string, Program>();
  private failures = new Map<string, ProgramError>();

  load(hostPath: string): Program {
    let st: fs.Stats;
    try {
      st = fs.statSync(hostPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ProgramError(code === 'ENOENT' ? 'No such file or directory' : `cannot open: ${code}`, code === 'ENOENT' ? 127 : 126);
    }
    if (st.isDirectory()) throw new ProgramError('Is a directory');
    const key = `${hostPath}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    return this.compile(key, new Uint8Array(fs.readFileSync(hostPath)));
  }

  // A program the kernel read from its own file systems, cached by its program key
  // (kernel/host/host_port.h ProgramKey); the bytes come the first time a worker sends it.
  fromKey(key: string, bytes: Uint8Array<ArrayBuffer> | undefined): Program {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const failure = this.failures.get(key);
    if (failure) throw failure; // a worker sends each image once: remember why it failed
    if (!bytes) throw new ProgramError('the program image was not sent (host cache out of step)');
    try {
      return this.compile(key, bytes);
    } catch (e) {
      if (e instanceof ProgramError) this.failures.set(key, e);
      throw e;
    }
  }

  // A program image the kernel read from its own file systems, cached by content.
  fromBytes(bytes: Uint8Array<ArrayBuffer>): Program {
    const key = `sha1:${crypto.createHash('sha1').update(bytes).digest('hex')}`;
    return this.cache.get(key) ?? this.compile(key, bytes);
  }

  private compile(key: string, bytes: Uint8Array<ArrayBuffer>): Program {
    const info = inspectWasm(bytes);
    if (info.abiVersion === undefined)
      throw new ProgramError('not a wasmux program (no wasmux.abi section; build it with bin/wasmux-cc)');
    if (info.abiVersion !== ABI_VERSION)
      throw new ProgramError(`built for wasmux ABI ${info.abiVersion}, this kernel runs ABI ${ABI_VERSION}`);
    if (!info.memory || !info.memory.shared) throw new ProgramError('the program does not import a shared memory');
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (e) {
      throw new ProgramError(`invalid WebAssembly module: ${(e as Error).message}`);
    }
    const program = { module, info };
    this.cache.set(key, program);
    return program;
  }
}
