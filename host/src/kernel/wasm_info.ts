// Reads what the host must know about a wasm file before running it: that it is wasm at
// all, its memory import limits and its wasmux ABI version. Every malformed input becomes a
// ProgramError with a one-line message, never an exception trace.

export class ProgramError extends Error {
  constructor(message: string, readonly exitCode: number = 126) {
    super(message);
  }
}

export interface MemoryLimits {
  initialPages: number;
  maximumPages: number | undefined;
  shared: boolean;
}

export interface WasmInfo {
  memory: MemoryLimits | undefined;
  abiVersion: number | undefined;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  byte(): number {
    if (this.pos >= this.bytes.length) throw new ProgramError('truncated WebAssembly module');
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 35) throw new ProgramError('malformed LEB128 number in WebAssembly module');
    }
  }
  name(): string {
    const len = this.u32();
    const end = this.pos + len;
    if (end > this.bytes.length) throw new ProgramError('truncated WebAssembly module');
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end;
    return s;
  }
  skip(n: number): void {
    if (this.pos + n > this.bytes.length) throw new ProgramError('truncated WebAssembly module');
    this.pos += n;
  }
  limits(): MemoryLimits {
    const flags = this.byte();
    const initialPages = this.u32();
    const maximumPages = flags & 1 ? this.u32() : undefined;
    return { initialPages, maximumPages, shared: (flags & 2) !== 0 };
  }
}

export function isWasm(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && MAGIC.every((b, i) => bytes[i] === b);
}

export function inspectWasm(bytes: Uint8Array): WasmInfo {
  if (!isWasm(bytes)) throw new ProgramError('not a WebAssembly module');
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0)
    throw new ProgramError('unsupported WebAssembly binary version');
  const r = new Reader(bytes);
  r.skip(8);
  const info: WasmInfo = { memory: undefined, abiVersion: undefined };
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new ProgramError('truncated WebAssembly module');
    if (id === 0) {
      const name = r.name();
      if (name === 'wasmux.abi' && end - r.pos >= 4)
        info.abiVersion = new DataView(bytes.buffer, bytes.byteOffset + r.pos, 4).getUint32(0, true);
    } else if (id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) r.u32();
        else if (kind === 1) {
          r.byte();
          r.limits();
        } else if (kind === 2) info.memory = r.limits();
        else if (kind === 3) r.skip(2);
        else if (kind === 4) {
          r.byte();
          r.u32();
        }
        else throw new ProgramError('malformed import section in WebAssembly module');
      }
    }
    r.pos = end;
  }
  return info;
}
