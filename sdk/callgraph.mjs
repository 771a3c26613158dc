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

import { parseOrNull, Reader, Unsupported, walkCode } from './wasm_module.mjs';

export function forkPaths(bytes, importModule, importName) {
  const m = parseOrNull(bytes);
  if (!m) return null;
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
  // Asyncify finds functions by Binaryen's names: a name the name section gives to an
  // earlier function too (static functions of several files: musl's __syscall1, bash's
  // two sv_histsize) becomes NAME_INDEX. Matching only the first NAME left the others
  // uninstrumented, and a fork through one of them ended the process silently.
  const binaryenNames = new Map();
  const taken = new Set();
  for (const [index, name] of [...m.names].sort((a, b) => a[0] - b[0])) {
    const unique = taken.has(name) ? `${name}_${index}` : name;
    taken.add(unique);
    binaryenNames.set(index, unique);
  }
  const out = [];
  for (const f of reaches) {
    const name = binaryenNames.get(f);
    if (name === undefined) return null; // no name section: Asyncify could not be told
    out.push(name);
  }
  return out.sort();
}
