// Interrupt checks for the SDK's post-link step: a thread spinning in user code makes no
// system call, so the kernel has no moment to stop it (SIGSTOP, SIGTSTP) or to run its
// handlers. Every loop of the program is given, at the top of its body, a test of the
// running thread's interrupt word, which the host sets when the kernel has a signal for
// that thread while it runs user code (docs/guest-abi.md, "Signals"). Each thread is an
// instance of its own, so the word's address is in a wasm global (__wasmux_interrupt_word,
// glue/crt1.c), set by the host for each thread:
//
//   (if (i32.atomic.load (global.get $__wasmux_interrupt_word))
//     (then (call $__wasmux_interrupt_check)))
//
// An atomic load, so the engine cannot hoist it out of the loop; the call (a system call
// that clears the word and runs what is due) happens only when the word is set.
//
// instrumentLoops(bytes) returns the new module, or null when the module does not have
// the word's global and the check function (not linked by wasmux-cc) or uses an
// instruction the decoder does not know.
import { leb, parseOrNull, Reader, replaceCodeSection, Unsupported, walkCode } from './wasm_module.mjs';

const WORD_EXPORT = '__wasmux_interrupt_word';
const CHECK_FUNCTION = '__wasmux_interrupt_check';

export function instrumentLoops(bytes) {
  const m = parseOrNull(bytes);
  if (!m) return null;
  const word = m.exports.get(WORD_EXPORT);
  if (!word || word[0] !== 3) return null; // the global holding the running thread's word's address
  let check = -1;
  for (const [index, name] of m.names) if (name === CHECK_FUNCTION) check = index;
  if (check < 0) return null;
  // global.get WORD; i32.atomic.load align=4 offset=0; if; call CHECK; end
  const probe = [0x23, ...leb(word[1]), 0xfe, 0x10, 0x02, 0x00, 0x04, 0x40, 0x10, ...leb(check), 0x0b];
  const importCount = m.imports.length;
  const bodies = [];
  try {
    m.bodies.forEach(([start, end], i) => {
      const name = m.names.get(importCount + i) ?? '';
      const loops = [];
      // The signal glue's own loops run with the word being handled: no probe there.
      if (!name.startsWith('__wasmux_')) walkCode(new Reader(bytes, start, end), () => {}, () => {}, () => {}, (at) => loops.push(at));
      const parts = [];
      let from = start;
      for (const at of loops) {
        parts.push(bytes.subarray(from, at), probe);
        from = at;
      }
      parts.push(bytes.subarray(from, end));
      bodies.push(parts);
    });
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  return replaceCodeSection(bytes, m, bodies);
}
