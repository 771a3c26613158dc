#!/usr/bin/env node
// Duplicate definitions GNU ld accepts, for bin/wasmux-cc. Given the linker's messages
// (wasm-ld's "duplicate symbol" errors), this says whether each duplicate is one of:
// - a common symbol: old C defines a global without an initial value in several files
//   (`char PC;` in two libraries); GNU ld merges such symbols into one (gcc -fcommon, the
//   default before gcc 10, which packages still ask for). wasm objects have no common
//   symbols: clang makes each a zero-initialized (.bss) definition. Merged when it is
//   such a definition in every file that has it, each no larger than the first one.
// - the program's own version of a C library function (bash's strtoimax, whose configure
//   test is inverted): with Debian's shared C library the program's definition wins (ELF
//   symbol interposition); here the C library is an archive whose member defining the
//   function also defines others the program needs. Taken when the first definition is
//   the program's and every other one is in the sysroot's own libraries (build/sysroot/
//   lib: libc, libc++, ...; the ports' libraries in usr/lib are the program's).
// For either, the driver links again allowing duplicates: the first definition wins,
// which is the merge ld would make, or the program's.
//
// Usage: common_symbols.mjs LINKER-LOG. Exit 0 and one line per symbol, "common NAME" or
// "interposed NAME": link again; 1: a real duplicate (the reason on stderr, or wasm-ld's
// error stands); 2: no duplicates in the log.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Reader } from './wasm_module.mjs';

const log = fs.readFileSync(process.argv[2], 'utf8');
// "wasm-ld: error: duplicate symbol: NAME" then ">>> defined in PLACE" lines.
const duplicates = new Map();
let current = null;
for (const line of log.split('\n')) {
  const d = /error: duplicate symbol: (.+)$/.exec(line);
  if (d) {
    current = [];
    duplicates.set(d[1], current);
    continue;
  }
  const place = /^>>> defined in (.+)$/.exec(line);
  if (place && current) current.push(place[1]);
  else if (!line.startsWith('>>>')) current = null;
}
if (duplicates.size === 0) process.exit(2);
// Any other error: the link fails for that anyway.
if (/error: (?!duplicate symbol)/.test(log.replace(/error: linker command failed.*/g, ''))) process.exit(1);

// The members of an ar archive (GNU format, as llvm-ar writes it), by name.
function archiveMembers(bytes) {
  const members = new Map();
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== '!<arch>\n') return members;
  let at = 8;
  let longNames = '';
  while (at + 60 <= bytes.length) {
    const header = new TextDecoder().decode(bytes.subarray(at, at + 60));
    let name = header.slice(0, 16).trimEnd();
    const size = Number(header.slice(48, 58).trim());
    const data = bytes.subarray(at + 60, at + 60 + size);
    if (name === '//') longNames = new TextDecoder().decode(data);
    else if (/^\/\d+$/.test(name)) {
      const from = Number(name.slice(1));
      name = longNames.slice(from, longNames.indexOf('\n', from));
    }
    members.set(name.replace(/\/$/, ''), data);
    at += 60 + size + (size & 1);
  }
  return members;
}

// The data symbols an object defines: name → { size, bss }.
function dataSymbols(bytes) {
  const symbols = new Map();
  const r = new Reader(bytes, 8);
  while (r.at < r.end) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id !== 0) {
      r.at = end;
      continue;
    }
    const s = new Reader(bytes, r.at, end);
    r.at = end;
    if (s.name() !== 'linking') continue;
    s.u32(); // version
    const segments = [];
    const defined = [];
    while (s.at < s.end) {
      const kind = s.byte();
      const len = s.u32();
      const sub = new Reader(bytes, s.at, s.at + len);
      s.at += len;
      if (kind === 5) { // WASM_SEGMENT_INFO
        const n = sub.u32();
        for (let i = 0; i < n; i++) {
          segments.push(sub.name());
          sub.u32(); // alignment
          sub.u32(); // flags
        }
      } else if (kind === 8) { // WASM_SYMBOL_TABLE
        const n = sub.u32();
        for (let i = 0; i < n; i++) {
          const type = sub.byte();
          const flags = sub.u32();
          const isUndefined = (flags & 0x10) !== 0;
          const explicitName = (flags & 0x40) !== 0;
          if (type === 0 || type === 2 || type === 4 || type === 5) { // function, global, event/tag, table
            sub.u32();
            if (!isUndefined || explicitName) sub.name();
          } else if (type === 1) { // data
            const name = sub.name();
            if (!isUndefined) {
              const segment = sub.u32();
              sub.u32(); // offset
              defined.push([name, segment, sub.u32()]);
            }
          } else if (type === 3) { // section
            sub.u32();
          } else {
            return symbols; // a kind this reader does not know: nothing is merged
          }
        }
      }
    }
    for (const [name, segment, size] of defined) {
      const seg = segments[segment] ?? '';
      symbols.set(name, { size, bss: seg === '.bss' || seg.startsWith('.bss.') });
    }
  }
  return symbols;
}

const cache = new Map();
function symbolsAt(place) {
  if (cache.has(place)) return cache.get(place);
  let result = null;
  const m = /^(.*)\((.+)\)$/.exec(place);
  try {
    if (m) {
      const member = archiveMembers(fs.readFileSync(m[1])).get(m[2]);
      if (member) result = dataSymbols(member);
    } else {
      result = dataSymbols(fs.readFileSync(place));
    }
  } catch {
    result = null; // gone (a compiler's temporary object) or unreadable
  }
  cache.set(place, result);
  return result;
}

// The sysroot's own libraries (the C library and the C++ runtime), which a native build
// would take from shared objects.
const systemLib = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'sysroot', 'lib') + '/';
const isSystem = (place) => path.resolve(place.replace(/\(.+\)$/, '')).startsWith(systemLib);
const verdicts = [];
for (const [name, places] of duplicates) {
  if (!isSystem(places[0]) && places.length > 1 && places.slice(1).every(isSystem)) {
    verdicts.push(`interposed ${name}`);
    continue;
  }
  const found = places.map((p) => symbolsAt(p)?.get(name));
  if (found.some((s) => !s)) {
    console.error(`wasmux-cc: ${name}: cannot tell whether its definitions are common symbols (compile and link in separate steps)`);
    process.exit(1);
  }
  if (found.some((s) => !s.bss)) process.exit(1); // a real duplicate: wasm-ld's error stands
  if (found.some((s) => s.size > found[0].size)) {
    console.error(`wasmux-cc: ${name}: the common symbol is larger in ${places[found.findIndex((s) => s.size > found[0].size)]} than in ${places[0]}, which comes first in the link`);
    process.exit(1);
  }
  verdicts.push(`common ${name}`);
}
console.log(verdicts.join('\n'));
