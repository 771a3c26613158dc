#!/usr/bin/env node
// Checks built guest modules against the module shape of docs/guest-abi.md, without a
// kernel: imports exactly env.memory and wasmux.syscall, exports _start, __heap_base and
// __stack_pointer, and carries one wasmux.abi section holding the ABI version.
// Usage: node tests/programs/check-modules.mjs FILE.wasm...   (exit 1 on any failure)
import fs from 'node:fs';
import path from 'node:path';

const abiHeader = path.join(path.dirname(new URL(import.meta.url).pathname), '../../build/gen/include/wasmux/abi_c.h');
const version = Number(/#define WASMUX_ABI_VERSION (\d+)/.exec(fs.readFileSync(abiHeader, 'utf8'))[1]);

let failed = 0;
for (const file of process.argv.slice(2)) {
  const problems = [];
  const mod = new WebAssembly.Module(fs.readFileSync(file));
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}:${i.kind}`).sort();
  const wanted = ['env.memory:memory', 'wasmux.syscall:function'];
  if (JSON.stringify(imports) !== JSON.stringify(wanted)) problems.push(`imports ${imports.join(', ')}`);
  const exports = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]));
  for (const [name, kind] of [['_start', 'function'], ['__heap_base', 'global'], ['__stack_pointer', 'global']])
    if (exports.get(name) !== kind) problems.push(`no ${kind} export ${name}`);
  const sections = WebAssembly.Module.customSections(mod, 'wasmux.abi');
  if (sections.length !== 1 || sections[0].byteLength !== 4) problems.push(`${sections.length} wasmux.abi sections`);
  else if (new DataView(sections[0]).getUint32(0, true) !== version) problems.push('wrong ABI version');
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${file}${problems.length ? ': ' + problems.join('; ') : ''}`);
  if (problems.length) failed = 1;
}
process.exit(failed);
