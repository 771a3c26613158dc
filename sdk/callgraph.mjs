// The call graph of a wasm module, for the SDK's post-link step: which functions can be
// on the stack when the fork import is called. Asyncify must instrument exactly those
// (TOOLCHAIN-NOTES "fork with Asyncify"): every function that calls through a pointer is
// too many (+40% run time), none of them is wrong (fork returns into garbage).
//
// A direct call is an edge. An indirect call of signature S may reach any function in the
// table with signature S (wasm checks the signature at run time, so no other), which is
// much tighter than "any function" on real programs (busybox and shell builtin tables,
// musl's start-up calling main through a pointer).
//
// forkPaths(bytes, module, name) returns the names of the functions from which the import
// is reachable, or null when the module uses an instruction this decoder does not know
// (the caller then falls back to Asyncify's own conservative analysis).

class Reader {
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

class Unsupported extends Error {}

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
function walkCode(r, onCall, onIndirect, onRefFunc) {
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    r.u32();
    r.byte();
  }
  while (r.at < r.end) {
    const op = r.byte();
    switch (op) {
      case 0x02: case 0x03: case 0x04: case 0x06: skipBlockType(r); break; // block loop if try
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

function parse(bytes) {
  const r = new Reader(bytes, 8);
  const types = []; // signature strings
  const funcTypes = []; // per function index (imports first)
  const imports = []; // { module, name } per imported function
  const tableFuncs = new Set();
  const names = new Map();
  const bodies = [];
  while (r.at < r.end) {
    const id = r.byte();
    const size = r.u32();
    const s = new Reader(bytes, r.at, r.at + size);
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
        else if (kind === 3) { s.byte(); s.byte(); } else if (kind === 4) { s.byte(); s.u32(); }
      }
    } else if (id === 3) {
      const n = s.u32();
      for (let i = 0; i < n; i++) funcTypes.push(s.u32());
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
  return { types, funcTypes, imports, tableFuncs, names, bodies };
}

// A constant expression (an element offset or item): ends at 0x0b.
function walkConstExpr(r, onRefFunc = () => {}) {
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

export function forkPaths(bytes, importModule, importName) {
  let m;
  try {
    m = parse(bytes);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  const importCount = m.imports.length;
  const target = m.imports.findIndex((i) => i.module === importModule && i.name === importName);
  if (target < 0) return [];
  const sig = (f) => m.types[m.funcTypes[f]];
  const callers = new Map(); // function → functions that call it directly
  const indirectCallers = new Map(); // signature → functions with such an indirect call
  const addTo = (map, key, value) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(value);
  };
  try {
    m.bodies.forEach(([start, end], i) => {
      const f = importCount + i;
      walkCode(new Reader(bytes, start, end), (callee) => addTo(callers, callee, f),
        (type) => addTo(indirectCallers, m.types[type], f), (g) => m.tableFuncs.add(g));
    });
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  // Backwards from the import: a function reaches it if it calls one that does, or makes
  // an indirect call of the signature of a table function that does.
  const reaches = new Set([target]);
  const seenSignatures = new Set();
  const work = [target];
  const add = (f) => {
    if (!reaches.has(f)) {
      reaches.add(f);
      work.push(f);
    }
  };
  while (work.length) {
    const f = work.pop();
    for (const c of callers.get(f) ?? []) add(c);
    if (m.tableFuncs.has(f) && !seenSignatures.has(sig(f))) {
      seenSignatures.add(sig(f));
      for (const c of indirectCallers.get(sig(f)) ?? []) add(c);
    }
  }
  reaches.delete(target);
  const out = [];
  for (const f of reaches) {
    const name = m.names.get(f);
    if (name === undefined) return null; // no name section: Asyncify could not be told
    out.push(name);
  }
  return out.sort();
}
