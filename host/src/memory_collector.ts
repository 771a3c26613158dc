// Each process image and each fork gets a WebAssembly.Memory, and V8 reserves address space
// for every one (about 10 GiB with its guard regions) until a garbage collection frees the
// dead ones. The JavaScript heaps of workers and of the main thread stay small, so V8's
// own heuristics seldom collect, and a shell that forks thousands of times runs out of
// address space ("could not allocate memory"). So we count the memories that passed
// through a thread and collect once enough of them may be dead.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

export class MemoryCollector {
  private count = 0;

  // A collection (about 3 ms for these small heaps) once `every` memories went by.
  constructor(private readonly every = 16) {}

  // A memory was made here, or came here in a message.
  note(): void {
    this.count++;
  }

  // Collects when due. Call it where a pause does not matter and the thread goes back to
  // its event loop soon after (between runs, after forwarding a message): V8 frees a dead
  // memory's pages from there.
  maybeCollect(): void {
    if (this.count < this.every) return;
    this.count = 0;
    collect();
  }
}
