// Adapters for calls made with another signature than the callee's, for the SDK's
// post-link step. Old C calls functions through declarations without a prototype
// (`int f();` then `f(a, b, c)` where f takes two arguments). A native ABI passes the
// arguments in registers and the callee reads those it has, so such programs work; in wasm
// a call's type must match exactly, and wasm-ld, seeing the conflict ("function
// signature mismatch" warning), links the call to a stub named signature_mismatch:NAME
// that traps. Each such stub is given a body that does what the native call would: the
// arguments the callee has are passed (an i32 where the callee takes an i64 is
// sign-extended, an i64 for an i32 truncated), those it lacks dropped, those the caller did
// not give are 0; its result is returned, converted the same way, or 0 when the caller
// expects one the callee does not give.
//
// adaptSignatureMismatches(bytes) returns { bytes, adapted: [names] }, or null when there
// is no such stub (or one it cannot adapt: a type other than i32, i64, f32, f64).
import { leb, parseOrNull, replaceCodeSection } from './wasm_module.mjs';

const STUB_PREFIX = 'signature_mismatch:';
const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c;
const ZERO = {
  [I32]: [0x41, 0x00],
  [I64]: [0x42, 0x00],
  [F32]: [0x43, 0, 0, 0, 0],
  [F64]: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
};

export function signature(type) {
  const [params, results] = type.split('->').map((s) => (s ? s.split(',').map(Number) : []));
  return { params, results };
}

// The value on the stack, of type `from`, as a value of type `to` (integers converted,
// anything else given as 0: the native ABI passes it in another register).
function convert(from, to) {
  if (from === to) return [];
  if (from === I32 && to === I64) return [0xac]; // i64.extend_i32_s
  if (from === I64 && to === I32) return [0xa7]; // i32.wrap_i64
  return [0x1a, ...ZERO[to]]; // drop; const 0
}

// Whether every type in the two signatures is one the adapters convert (a number type)
// and each has at most one result.
export function adaptable(caller, callee) {
  const all = [...caller.params, ...caller.results, ...callee.params, ...callee.results];
  return all.every((t) => t in ZERO) && caller.results.length <= 1 && callee.results.length <= 1;
}

// The body (no locals) of a function of the caller's signature that calls function
// `target` of the callee's signature as a native call would.
export function adapterBody(caller, callee, target) {
  const code = [0x00]; // no locals
  callee.params.forEach((type, i) => {
    if (i < caller.params.length) code.push(0x20, ...leb(i), ...convert(caller.params[i], type));
    else code.push(...ZERO[type]);
  });
  code.push(0x10, ...leb(target));
  const [got] = callee.results;
  const [want] = caller.results;
  if (got !== undefined && want === undefined) code.push(0x1a);
  else if (got === undefined && want !== undefined) code.push(...ZERO[want]);
  else if (got !== undefined) code.push(...convert(got, want));
  code.push(0x0b);
  return Uint8Array.from(code);
}

export function adaptSignatureMismatches(bytes) {
  const m = parseOrNull(bytes);
  if (!m) return null;
  const byName = new Map();
  for (const [index, name] of m.names) byName.set(name, index);
  const importCount = m.imports.length;
  const replaced = new Map(); // body index → new body bytes
  const adapted = [];
  for (const [index, name] of m.names) {
    if (!name.startsWith(STUB_PREFIX) || index < importCount) continue;
    const target = byName.get(name.slice(STUB_PREFIX.length));
    if (target === undefined) continue;
    const caller = signature(m.types[m.funcTypes[index]]);
    const callee = signature(m.types[m.funcTypes[target]]);
    if (!adaptable(caller, callee)) return null;
    const code = adapterBody(caller, callee, target);
    replaced.set(index - importCount, code);
    adapted.push(name.slice(STUB_PREFIX.length));
  }
  if (replaced.size === 0) return null;
  const bodies = m.bodies.map(([start, end], i) => [replaced.get(i) ?? bytes.subarray(start, end)]);
  return { bytes: replaceCodeSection(bytes, m, bodies), adapted };
}
