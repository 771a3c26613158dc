// Indirect calls through a function pointer of another type than the function's, for the
// SDK's post-link step. Old C stores functions in pointers of a generic type and calls
// them with whatever arguments it has: bash keeps its cleanups as `Function *` (`int
// (*)()`) and calls `(*cleanup)(arg)` on xfree, which returns nothing, and on functions
// that take no argument at all. A native ABI passes the arguments in registers and
// returns in one, so this works there; in wasm, call_indirect checks the callee's exact
// type and traps ("null function or function signature mismatch").
//
// Every call_indirect names the type it calls with (T). For each such T for which some
// function in the table has a type the native call could have reached it with (below),
// the module gets a table of its own, the same size as the function table: at each index,
// the function itself when its type is T, else an adapter of type T that calls it as the
// native call would (sdk/signature_adapters.mjs: arguments it lacks dropped, those it
// does not get 0, the result dropped or 0). The call_indirect sites of T then use that
// table. A function pointer stays the same number (the index), so pointers compare as
// before; well-typed calls cost what they did (one call_indirect, no adapter); only the
// mismatched ones go through an adapter.
//
// The pairs adapted are those a native call gets right by luck of the ABI, and nothing
// wider: the function's parameters are the first ones of the call's (the same types: the
// extra arguments are ignored), and its result is the call's, or one of the two has none.
// Anything else still traps, naming the function (a real bug even natively).
//
// adaptIndirectCalls(bytes) returns { bytes, tables, adapters } or null (nothing to adapt,
// or a module this reader does not know: element segments other than wasm-ld's).
import { adaptable, adapterBody, signature } from './signature_adapters.mjs';
import { leb, parseOrNull, Reader, walkCode } from './wasm_module.mjs';

// Whether a call of type `call` reaches a function of type `callee` correctly in a
// native ABI (see above).
function nativeCompatible(call, callee) {
  if (callee.params.length > call.params.length) return false;
  if (callee.params.some((t, i) => t !== call.params[i])) return false;
  return !(call.results.length && callee.results.length && call.results[0] !== callee.results[0]);
}

// Table 0's limits and its initial contents (index → function) from wasm-ld's active
// element segments; null for anything else.
function functionTable(bytes, m) {
  const tableSection = m.sections.find((s) => s[0] === 4);
  const elemSection = m.sections.find((s) => s[0] === 9);
  if (!tableSection || !elemSection) return null;
  const t = new Reader(bytes, tableSection[2], tableSection[3]);
  const tableCount = t.u32();
  if (t.byte() !== 0x70) return null; // funcref
  const limitsStart = t.at;
  const flags = t.byte();
  if (flags & ~1) return null;
  t.u32();
  if (flags & 1) t.u32();
  const limits = bytes.subarray(limitsStart, t.at);
  const e = new Reader(bytes, elemSection[2], elemSection[3]);
  const entries = new Map();
  const segments = e.u32();
  for (let i = 0; i < segments; i++) {
    if (e.u32() !== 0 || e.byte() !== 0x41) return null; // active on table 0, i32.const offset
    const offset = e.s32();
    if (e.byte() !== 0x0b) return null;
    const count = e.u32();
    for (let j = 0; j < count; j++) entries.set(offset + j, e.u32());
  }
  return { tableCount, limits, entries, segments };
}

// The module with the sections whose start offset is in `replace` given new contents.
function replaceSections(bytes, m, replace) {
  const parts = [bytes.subarray(0, 8)];
  for (const [id, start, , end] of m.sections) {
    const content = replace.get(start);
    if (content === undefined) {
      parts.push(bytes.subarray(start, end));
      continue;
    }
    const size = content.reduce((n, p) => n + p.length, 0);
    // (One push per piece: a section holds a piece per function, too many to spread.)
    parts.push(Uint8Array.of(id), Uint8Array.from(leb(size)));
    for (const piece of content) parts.push(piece);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// A vector's contents after its count, with the count raised by `added` and the items
// appended.
function extendVector(bytes, from, end, added, items) {
  const r = new Reader(bytes, from, end);
  const count = r.u32();
  return [Uint8Array.from(leb(count + added)), bytes.subarray(r.at, end), ...items];
}

export const ADAPTER_LIMIT = 20000;

export function adaptIndirectCalls(bytes) {
  if (process.env.WASMUX_INDIRECT_ADAPTERS === 'none') return null;
  const m = parseOrNull(bytes);
  if (!m) return null;
  const table = functionTable(bytes, m);
  if (!table) return null;
  // The call_indirect sites on table 0: body, where the table index is, its type.
  const sites = [];
  m.bodies.forEach(([start, end], body) => {
    const r = new Reader(bytes, start, end);
    walkCode(r, () => {}, (type) => {
      const at = r.at;
      const index = new Reader(bytes, at, end).u32();
      if (index === 0) sites.push({ body, at, type });
    }, () => {});
  });
  const callTypes = [...new Set(sites.map((s) => s.type))];
  const importCount = m.imports.length;
  let nextFunction = m.funcTypes.length;
  const adapters = []; // { type, body, name }
  const newTables = new Map(); // call type index → { index, entries }
  for (const type of callTypes) {
    const call = signature(m.types[type]);
    const entries = new Map();
    let adapted = 0;
    for (const [slot, f] of table.entries) {
      const calleeType = m.funcTypes[f];
      if (calleeType === type) {
        entries.set(slot, f);
        continue;
      }
      const callee = signature(m.types[calleeType]);
      if (!adaptable(call, callee) || !nativeCompatible(call, callee)) {
        entries.set(slot, f); // still traps, naming the function
        continue;
      }
      // Named after the function (a crash in it names that) and the call's type (names are
      // unique), with no commas or spaces: Asyncify's function lists are comma-separated.
      adapters.push({ type, body: adapterBody(call, callee, f), name: `cast_call${type}:${m.names.get(f) ?? f}` });
      entries.set(slot, nextFunction++);
      adapted++;
    }
    if (adapted) newTables.set(type, { index: table.tableCount + newTables.size, entries });
  }
  if (newTables.size === 0) return null;
  // Each adapter is a function, which module size, compilation and fork instrumentation
  // pay for whether the program makes such a call or not. Past a limit the module is left
  // as it is (a call of the wrong type still traps, naming the function): CPython, which
  // calls through exact types (it builds for engines that check them), would get 118,678
  // adapters, a module 2.5 times larger and minutes more of Asyncify; bash needs 3,142.
  // WASMUX_INDIRECT_ADAPTERS=all makes them whatever their number.
  if (adapters.length > ADAPTER_LIMIT && process.env.WASMUX_INDIRECT_ADAPTERS !== 'all') return { skipped: adapters.length };

  const replace = new Map();
  const section = (id) => m.sections.find((s) => s[0] === id);
  const [, functionStart, functionContent, functionEnd] = section(3);
  replace.set(functionStart, extendVector(bytes, functionContent, functionEnd, adapters.length,
    adapters.map((a) => Uint8Array.from(leb(a.type)))));
  const [, tableStart, tableContent, tableEnd] = section(4);
  replace.set(tableStart, extendVector(bytes, tableContent, tableEnd, newTables.size,
    [...newTables.values()].map(() => Uint8Array.from([0x70, ...table.limits]))));
  // One segment per run of consecutive filled slots of each new table (flags 2: active,
  // an explicit table index, element kind funcref).
  const segments = [];
  for (const { index, entries } of newTables.values()) {
    const slots = [...entries.keys()].sort((a, b) => a - b);
    for (let i = 0; i < slots.length;) {
      let j = i;
      while (j + 1 < slots.length && slots[j + 1] === slots[j] + 1) j++;
      const run = slots.slice(i, j + 1).flatMap((s) => leb(entries.get(s)));
      segments.push(Uint8Array.from([0x02, ...leb(index), 0x41, ...signedLeb(slots[i]), 0x0b, 0x00,
        ...leb(j - i + 1), ...run]));
      i = j + 1;
    }
  }
  const [, elemStart, elemContent, elemEnd] = section(9);
  replace.set(elemStart, extendVector(bytes, elemContent, elemEnd, segments.length, segments));
  // The code: each adapted site's table index replaced, the adapters appended.
  const byBody = new Map();
  for (const s of sites) if (newTables.has(s.type)) byBody.set(s.body, [...(byBody.get(s.body) ?? []), s]);
  const bodies = [];
  m.bodies.forEach(([start, end], body) => {
    const parts = [];
    let at = start;
    for (const s of byBody.get(body) ?? []) {
      const r = new Reader(bytes, s.at, end);
      r.u32();
      parts.push(bytes.subarray(at, s.at), Uint8Array.from(leb(newTables.get(s.type).index)));
      at = r.at;
    }
    parts.push(bytes.subarray(at, end));
    bodies.push(parts);
  });
  for (const a of adapters) bodies.push([a.body]);
  const [, codeStart] = section(10);
  const code = [Uint8Array.from(leb(bodies.length))];
  for (const parts of bodies) {
    code.push(Uint8Array.from(leb(parts.reduce((n, p) => n + p.length, 0))), ...parts);
  }
  replace.set(codeStart, code);
  // The adapters' names, so that a crash in one names the function it calls.
  const nameSection = m.sections.find(([id, , contentStart, end]) => id === 0 &&
    new Reader(bytes, contentStart, end).name() === 'name');
  if (nameSection) replace.set(nameSection[1], nameSectionWith(bytes, nameSection, importCount + m.bodies.length, adapters));
  return { bytes: replaceSections(bytes, m, replace), tables: newTables.size, adapters: adapters.length };
}

function signedLeb(n) {
  const out = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

// The name section's contents with the adapters' names (functions first, first..) added
// to its function-name map.
function nameSectionWith(bytes, [, , contentStart, end], first, adapters) {
  const r = new Reader(bytes, contentStart, end);
  r.name();
  const parts = [bytes.subarray(contentStart, r.at)];
  const encoder = new TextEncoder();
  while (r.at < end) {
    const subStart = r.at;
    const sub = r.byte();
    const len = r.u32();
    const subEnd = r.at + len;
    if (sub !== 1) {
      parts.push(bytes.subarray(subStart, subEnd));
      r.at = subEnd;
      continue;
    }
    const items = adapters.map((a, i) => {
      const name = encoder.encode(a.name);
      return Uint8Array.from([...leb(first + i), ...leb(name.length), ...name]);
    });
    const content = extendVector(bytes, r.at, subEnd, adapters.length, items);
    const size = content.reduce((n, p) => n + p.length, 0);
    parts.push(Uint8Array.of(1), Uint8Array.from(leb(size)));
    for (const piece of content) parts.push(piece);
    r.at = subEnd;
  }
  return parts;
}
