// Each process image and each fork gets a WebAssembly.Memory, and V8 reserves address space
// for every one (about 10 GiB with its guard regions) and keeps its pages until a garbage
// collection finds it dead. The JavaScript heaps of workers and of the main thread stay
// small, so V8's own heuristics seldom collect, and a shell that forks thousands of times
// would run out of address space ("could not allocate memory") or of RAM. So each thread
// counts the memories that passed through it and collects once enough may be dead.
//
// A full collection costs 4-10 ms whatever it frees (measured: a second one right after
// costs the same), so it is amortised: one per 256 MiB of memories, or per 256 memories
// (2.5 TiB of address space), whichever comes first. A collection per 16 memories made a
// fork+exit+wait cost about 1 ms more than without.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

export class MemoryCollector {
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly everyBytes = 256 << 20,
    private readonly everyCount = 256,
  ) {}

  // A memory of this many bytes was made here, or came here in a message.
  note(memory: WebAssembly.Memory): void {
    this.count++;
    this.bytes += memory.buffer.byteLength;
  }

  // Collects when due. Call it where a pause does not matter and the thread goes back to
  // its event loop soon after (between runs, after forwarding a message): V8 frees a dead
  // memory's pages from there.
  maybeCollect(): void {
    if (this.count < this.everyCount && this.bytes < this.everyBytes) return;
    this.count = 0;
    this.bytes = 0;
    collect();
  }
}
