// A small reader of wasm modules for the SDK's post-link steps: sections, function bodies
// walked instruction by instruction (so calls, indirect calls and loops can be found and
// code can be inserted), the name section. It knows what clang emits for wasmux guests
// (MVP, threads, bulk memory, sign extension, saturating conversions, reference types,
// exception handling, tail calls); anything else raises Unsupported, and the callers fall
// back to doing less.

export class Reader {
  constructor(bytes, at = 0, end = bytes.length) {
    this.b = bytes;
    this.at = at;
    this.end = end;
  }
  byte() {
    if (this.at >= this.end) throw new Error('truncated module');
    return this.b[this.at++];
  }
  u32() {
    let result = 0, shift = 0, byte;
    do {
      byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  }
  s32() {
    let result = 0, shift = 0, byte;
    do {
      byte = this.byte();
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return shift < 32 && byte & 0x40 ? result | (-1 << shift) : result;
  }
  // Signed LEB128 of any width: only skipped, never needed as a value.
  skipLeb() {
    while (this.byte() & 0x80) {}
  }
  bytes(n) {
    const s = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return s;
  }
  name() {
    return new TextDecoder().decode(this.bytes(this.u32()));
  }
}

export class Unsupported extends Error {}

function valtypes(r) {
  const n = r.u32();
  const out = [];
  for (let i = 0; i < n; i++) out.push(r.byte());
  return out.join(',');
}

function skipLimits(r) {
  const flags = r.byte();
  r.u32();
  if (flags & 1) r.u32();
}

function skipBlockType(r) {
  const first = r.b[r.at];
  if (first === 0x40 || (first >= 0x6f && first <= 0x7f)) r.at++;
  else r.skipLeb(); // a type index (s33)
}

function skipMemarg(r) {
  const align = r.u32();
  if (align & 0x40) r.u32(); // a memory index (multi-memory)
  r.u32();
}

// unreachable nop else throw_ref end return catch_all drop select, the numeric operators,
// ref.is_null.
function noImmediates(op) {
  return [0x00, 0x01, 0x05, 0x0a, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1].includes(op) || (op >= 0x45 && op <= 0xc4);
}

// Walks one function body; calls onCall(funcIndex) and onIndirect(typeIndex).
export function walkCode(r, onCall, onIndirect, onRefFunc, onLoop = () => {}) {
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    r.u32();
    r.byte();
  }
  while (r.at < r.end) {
    const op = r.byte();
    switch (op) {
      case 0x03: skipBlockType(r); onLoop(r.at); break; // loop: its body starts here
      case 0x02: case 0x04: case 0x06: skipBlockType(r); break; // block if try
      case 0x07: case 0x08: r.u32(); break; // catch, throw: a tag
      case 0x09: case 0x18: r.u32(); break; // rethrow, delegate: a depth
      case 0x0c: case 0x0d: r.u32(); break; // br, br_if
      case 0x0e: { const n = r.u32(); for (let i = 0; i <= n; i++) r.u32(); break; } // br_table
      case 0x10: case 0x12: onCall(r.u32()); break; // call, return_call
      case 0x11: case 0x13: onIndirect(r.u32()); r.u32(); break; // call_indirect, return_call_indirect
      case 0x1c: { const n = r.u32(); for (let i = 0; i < n; i++) r.byte(); break; } // select t
      case 0x1f: { // try_table: block type, then catch clauses
        skipBlockType(r);
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const kind = r.byte();
          if (kind === 0 || kind === 1) r.u32();
          r.u32();
        }
        break;
      }
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: r.u32(); break;
      case 0x3f: case 0x40: r.u32(); break; // memory.size, memory.grow
      case 0x41: case 0x42: r.skipLeb(); break;
      case 0x43: r.at += 4; break;
      case 0x44: r.at += 8; break;
      case 0xd0: r.byte(); break; // ref.null
      case 0xd2: onRefFunc(r.u32()); break; // ref.func
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break;
        if (sub === 8) { r.u32(); r.u32(); } else if (sub === 9 || sub === 11 || sub === 13) r.u32();
        else if (sub === 10 || sub === 12 || sub === 14) { r.u32(); r.u32(); } else if (sub <= 17) r.u32();
        else throw new Unsupported(`0xfc ${sub}`);
        break;
      }
      case 0xfe: {
        const sub = r.u32();
        if (sub === 0x03) r.byte(); // atomic.fence
        else skipMemarg(r);
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) skipMemarg(r);
        else if (!noImmediates(op)) throw new Unsupported(`opcode ${op}`);
    }
  }
}

export function parse(bytes) {
  const r = new Reader(bytes, 8);
  const types = []; // signature strings
  const funcTypes = []; // per function index (imports first)
  const imports = []; // { module, name } per imported function
  const tableFuncs = new Set();
  const names = new Map();
  const bodies = [];
  const sections = []; // [id, start of contents, end]
  const exports = new Map(); // name → [kind, index]
  const globals = []; // the i32.const value of each defined global's init (or null)
  let importedGlobals = 0;
  while (r.at < r.end) {
    const sectionStart = r.at;
    const id = r.byte();
    const size = r.u32();
    const s = new Reader(bytes, r.at, r.at + size);
    sections.push([id, sectionStart, r.at, r.at + size]);
    r.at += size;
    if (id === 1) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        if (s.byte() !== 0x60) throw new Unsupported('a non-function type');
        types.push(`${valtypes(s)}->${valtypes(s)}`);
      }
    } else if (id === 2) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const module = s.name();
        const name = s.name();
        const kind = s.byte();
        if (kind === 0) {
          funcTypes.push(s.u32());
          imports.push({ module, name });
        } else if (kind === 1) {
          s.byte();
          skipLimits(s);
        } else if (kind === 2) skipLimits(s);
        else if (kind === 3) {
          s.byte();
          s.byte();
          importedGlobals++;
        } else if (kind === 4) {
          s.byte();
          s.u32();
        }
      }
    } else if (id === 3) {
      const n = s.u32();
      for (let i = 0; i < n; i++) funcTypes.push(s.u32());
    } else if (id === 6) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        s.byte();
        s.byte();
        const op = s.b[s.at];
        let value = null;
        if (op === 0x41) {
          s.at++;
          value = s.s32();
          s.byte(); // end
        } else {
          walkConstExpr(s);
        }
        globals.push(value);
      }
    } else if (id === 7) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const name = s.name();
        const kind = s.byte();
        exports.set(name, [kind, s.u32()]);
      }
    } else if (id === 9) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const flags = s.u32();
        if (flags & 2 && !(flags & 1)) s.u32(); // a table index
        if (!(flags & 1)) walkConstExpr(s);
        if (flags & 3) s.byte(); // elemkind or reftype
        const count = s.u32();
        for (let j = 0; j < count; j++) {
          if (flags & 4) walkConstExpr(s, (f) => tableFuncs.add(f));
          else tableFuncs.add(s.u32());
        }
      }
    } else if (id === 10) {
      const n = s.u32();
      for (let i = 0; i < n; i++) {
        const size = s.u32();
        bodies.push([s.at, s.at + size]);
        s.at += size;
      }
    } else if (id === 0) {
      const section = s.name();
      if (section !== 'name') continue;
      while (s.at < s.end) {
        const sub = s.byte();
        const len = s.u32();
        if (sub !== 1) {
          s.at += len;
          continue;
        }
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const index = s.u32();
          names.set(index, s.name());
        }
      }
    }
  }
  return { types, funcTypes, imports, tableFuncs, names, bodies, sections, exports, globals, importedGlobals };
}

// parse(bytes), or null when the module uses something the decoder does not know (the
// post-link steps then do less rather than fail).
export function parseOrNull(bytes) {
  try {
    return parse(bytes);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

// A constant expression (an element offset or item): ends at 0x0b.
export function walkConstExpr(r, onRefFunc = () => {}) {
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) r.skipLeb();
    else if (op === 0x23) r.u32();
    else if (op === 0xd2) onRefFunc(r.u32());
    else if (op === 0xd0) r.byte();
    else throw new Unsupported(`constant opcode ${op}`);
  }
}

export function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

// The module with its code section made of the given bodies (each a list of byte parts,
// concatenated), everything else as it was. m is parse(bytes).
export function replaceCodeSection(bytes, m, bodies) {
  const content = [leb(bodies.length)];
  for (const parts of bodies) {
    const size = parts.reduce((n, p) => n + p.length, 0);
    content.push(leb(size), ...parts);
  }
  const contentSize = content.reduce((n, p) => n + p.length, 0);
  const code = m.sections.find((s) => s[0] === 10);
  const out = new Uint8Array(code[1] + 1 + leb(contentSize).length + contentSize + (bytes.length - code[3]));
  let at = 0;
  const put = (part) => {
    out.set(part, at);
    at += part.length;
  };
  put(bytes.subarray(0, code[1]));
  put([10]);
  put(leb(contentSize));
  for (const part of content) put(part);
  put(bytes.subarray(code[3]));
  return out;
}
