// Memories for the children of fork, kept by the forking worker and reused.
//
// A wasm memory's pages are backed by the OS on first write, one fault each: filling a new
// 4 MiB memory costs 2-3 ms on this machine and a 64 MiB one 50-180 ms, where refilling a
// memory already backed costs 0.3 and 5 ms (measured in one Node process). Linux's fork
// copies page tables and nothing else. So the parent's worker copies its live memory
// straight into a memory an earlier child of the same image has finished with: one copy,
// no fault, and the child's worker runs on it as it is.
//
// Who owns a kept memory is one shared word: FREE, LOST, or the pid of the child running
// on it. Only the forking worker takes a FREE memory; only the main thread gives one back,
// when the child's run is over or has moved to a new image, after it has dropped the
// child's interrupt word (which it writes into that memory) and, for a killed child, after
// its worker is terminated. A child that made threads (clone) has their workers on the
// memory too, which the main thread ends on their own: its memory is LOST, never reused.
// The child's worker says so (a second shared word) before its first thread starts, when
// the child has one thread only.
//
// A reused memory holds the earlier child's data anywhere below its size. It is not
// cleared here: the child's kernel learns how far it is dirty (wasmux_fork_memory_dirty)
// and zero-fills what brk and mmap hand out of it, as Linux gives a process zeroed pages
// on first use. Clearing a memory that a threaded parent has at its maximum (gigabytes)
// at every fork cost more than the fork.
//
// The parent's worker may run a shell forking for hours without returning to its event
// loop, and V8 frees a dead memory's pages only from there: memories are dropped here only
// when their owner image is gone or more than keepFree wait unused.
export interface ForkMemory {
  memory: WebAssembly.Memory;
  owner: Int32Array; // [FREE, LOST or the child's pid; 1 once the child made a thread]
  maximumPages: number;
}

const FREE = 0;
const LOST = -1;
const pageBytes = 65536;

interface Kept extends ForkMemory {
  image: number; // the image generation it was copied from (takeForkMemory)
}

const kept: Kept[] = [];
const keepFree = 4;

// A memory for child pid of a fork from image generation `image` (a new number for each
// image this worker runs: a kept memory is reused only for the image whose interrupt word
// may still be written into it): `pages` long, and the bytes of it that may hold old data
// (0 for a new memory, which reads zero; for a kept one, its size).
export function takeForkMemory(pages: number, maximumPages: number, image: number, pid: number): { memory: ForkMemory; dirtyBytes: number } {
  dropUnusable(image, maximumPages);
  let best: Kept | undefined;
  for (const k of kept) {
    if (Atomics.load(k.owner, 0) !== FREE) continue;
    const bytes = k.memory.buffer.byteLength;
    if (bytes <= pages * pageBytes && (!best || bytes > best.memory.buffer.byteLength)) best = k;
  }
  if (!best) {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: maximumPages, shared: true });
    const k: Kept = { memory, owner: new Int32Array(new SharedArrayBuffer(8)), maximumPages, image };
    k.owner[0] = pid;
    kept.push(k);
    return { memory: k, dirtyBytes: 0 };
  }
  const dirtyBytes = best.memory.buffer.byteLength;
  if (dirtyBytes < pages * pageBytes) best.memory.grow(pages - dirtyBytes / pageBytes);
  Atomics.store(best.owner, 1, 0);
  Atomics.store(best.owner, 0, pid);
  return { memory: best, dirtyBytes };
}

// Kept memories no fork of this image can use (LOST, or free and of another image or
// maximum), and free ones beyond keepFree, oldest first.
function dropUnusable(image: number, maximumPages: number): void {
  let free = 0;
  for (let i = kept.length - 1; i >= 0; i--) {
    const k = kept[i]!;
    const owner = Atomics.load(k.owner, 0);
    const unusable = owner === LOST || (owner === FREE && (k.image !== image || k.maximumPages !== maximumPages || ++free > keepFree));
    if (unusable) kept.splice(i, 1);
  }
}

// Between runs: no image of this worker can reuse what is free now.
export function dropFreeForkMemories(): void {
  dropUnusable(-1, -1);
}

// The child running on m starts its first thread (its own worker, before the thread's).
export function markForkMemoryThreaded(m: ForkMemory): void {
  Atomics.store(m.owner, 1, 1);
}

// The child pid's run no longer touches its fork memory (main thread only, see above).
export function releaseForkMemory(m: ForkMemory, pid: number): void {
  Atomics.compareExchange(m.owner, 0, pid, Atomics.load(m.owner, 1) ? LOST : FREE);
}
