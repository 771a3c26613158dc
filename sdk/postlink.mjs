#!/usr/bin/env node
// The SDK's post-link step (run by bin/wasmux-cc after a link), four rewrites:
//  - a call the linker found made with another signature than its callee's (old C
//    without prototypes) gets an adapter doing what a native call would, in place of the
//    linker's trapping stub (sdk/signature_adapters.mjs);
//  - an indirect call whose type differs from the function the pointer names, in the
//    ways a native ABI tolerates (extra arguments, an ignored result), reaches it through
//    an adapter (sdk/indirect_adapters.mjs);
//  - every loop gets a test of the interrupt word, so a thread spinning in user code can
//    be stopped or run its signal handlers (sdk/interrupts.mjs);
//  - a module that imports wasmux.fork is instrumented with Binaryen Asyncify, limited to
//    the functions that can be on the stack at fork (sdk/callgraph.mjs), so fork can unwind
//    and rewind its stack (docs/guest-abi.md, "Fork"). Modules that never fork skip it.
// Usage: postlink.mjs MODULE.wasm
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { forkPaths } from './callgraph.mjs';
import { instrumentLoops } from './interrupts.mjs';
import { ADAPTER_LIMIT, adaptIndirectCalls } from './indirect_adapters.mjs';
import { adaptSignatureMismatches } from './signature_adapters.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: postlink.mjs MODULE.wasm');
  process.exit(2);
}
let bytes = fs.readFileSync(file);
let module;
try {
  module = new WebAssembly.Module(bytes);
} catch (e) {
  console.error(`wasmux-cc: ${file}: the linker's output is not a valid module: ${e.message}`);
  process.exit(1);
}
// Replaces the module file whole; the linker made it executable: its mode stays.
function rewrite(newBytes) {
  bytes = Buffer.from(newBytes);
  const tmp = `${file}.postlink.tmp`;
  fs.writeFileSync(tmp, bytes, { mode: fs.statSync(file).mode & 0o7777 });
  fs.renameSync(tmp, file);
}
const adapters = adaptSignatureMismatches(bytes);
if (adapters) {
  rewrite(adapters.bytes);
  if (process.env.WASMUX_POSTLINK_VERBOSE)
    console.error(`postlink: ${file}: calls adapted to their callee's signature: ${adapters.adapted.join(', ')}`);
}
const indirect = adaptIndirectCalls(bytes);
if (indirect?.skipped) {
  console.error(`wasmux-cc: note: ${file}: no adapters for indirect calls of another type: ${indirect.skipped} would be needed, more than ${ADAPTER_LIMIT} (WASMUX_INDIRECT_ADAPTERS=all makes them; docs/porting.md)`);
} else if (indirect) {
  rewrite(indirect.bytes);
  if (process.env.WASMUX_POSTLINK_VERBOSE)
    console.error(`postlink: ${file}: ${indirect.adapters} adapters for indirect calls of another type, in ${indirect.tables} tables`);
}
const probed = process.env.WASMUX_NO_PROBES ? null : instrumentLoops(bytes);
if (probed) rewrite(probed);
const forks = WebAssembly.Module.imports(module).some((i) => i.module === 'wasmux' && i.name === 'fork');
if (!forks) process.exit(0);

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const wasmOpt = path.join(root, 'node_modules/binaryen/bin/wasm-opt');
if (!fs.existsSync(wasmOpt)) {
  console.error('wasmux-cc: binaryen is not installed (run scripts/setup.sh): needed for programs that fork');
  process.exit(1);
}
const out = `${file}.asyncify.tmp`;
// Only the functions that can be on the stack when fork is called are instrumented: found
// from the call graph, indirect calls narrowed by signature (sdk/callgraph.mjs). Without
// that list (an instruction the decoder does not know), Asyncify's own analysis counts
// every indirect call as a way to fork: correct, and slower.
const onlyList = process.env.WASMUX_POSTLINK_CONSERVATIVE ? null : forkPaths(bytes, 'wasmux', 'fork');
const listFile = `${file}.asyncify-list.tmp`;
const listArgs = [];
if (onlyList) {
  fs.writeFileSync(listFile, onlyList.join('\n'));
  listArgs.push(`--pass-arg=asyncify-onlylist@@${listFile}`);
}
if (process.env.WASMUX_POSTLINK_VERBOSE) {
  console.error(`postlink: ${file}: ${onlyList ? `${onlyList.length} functions on fork paths` : 'whole-module analysis'}`);
  if (onlyList && process.env.WASMUX_POSTLINK_VERBOSE === '2') console.error(onlyList.join('\n'));
}
// A large program's Asyncify pass takes a while (Python: minutes): say so, and how long
// it took, rather than leave the build silent.
const large = bytes.length > 4 * 1024 * 1024;
const started = Date.now();
if (large)
  console.error(`wasmux-cc: ${path.basename(file)}: instrumenting ${onlyList ? `${onlyList.length} functions` : 'the whole module'} for fork (${(bytes.length / 1048576).toFixed(1)} MiB; this takes a while)`);
try {
  // -O1 after Asyncify keeps the instrumentation cheap. -g keeps the name section (a crash
  // names the guest's functions); the DWARF sections go (wasm-opt cannot keep them true
  // through Asyncify's rewrite, and updating them takes longer than the pass itself).
  execFileSync(process.execPath, [wasmOpt, file, '-g', '--strip-dwarf', '--enable-threads', '--enable-bulk-memory',
    '--enable-exception-handling', '--enable-mutable-globals', '--enable-sign-ext',
    '--enable-nontrapping-float-to-int', '--enable-multivalue', '--enable-reference-types',
    '--asyncify', '--pass-arg=asyncify-imports@wasmux.fork', ...listArgs, '-O1', '-o', out], { stdio: 'inherit' });
} finally {
  fs.rmSync(listFile, { force: true });
}
fs.chmodSync(out, fs.statSync(file).mode & 0o7777); // the linker made it executable
fs.renameSync(out, file);
if (large) console.error(`wasmux-cc: ${path.basename(file)}: instrumented for fork in ${((Date.now() - started) / 1000).toFixed(0)} s`);
