// Writes to a host fd that answered EAGAIN (a pipe or terminal some other program made
// non-blocking): the bytes go to a writer worker that owns an event-loop stream on the fd
// (libuv waits for writability with epoll), and the calling thread sleeps on a shared word
// until that worker says the write is done. No timer and no retry loop: the wake-up is
// the write's own completion.
import { Worker } from 'node:worker_threads';

const DONE = 0; // the cell's slot: 0 while the write is under way, then 1
const RESULT = 1; // bytes written, or -errno

let writer: Worker | undefined;

function writerWorker(): Worker {
  writer ??= new Worker(new URL('./host_fd_writer_worker.js', import.meta.url));
  writer.unref(); // never what keeps the host alive
  return writer;
}

// Blocks until `data` is written to fd (or an error); returns the count or -errno.
export function writeWhenWritable(fd: number, data: Uint8Array): number {
  const cell = new Int32Array(new SharedArrayBuffer(8));
  const copy = new Uint8Array(new SharedArrayBuffer(data.length));
  copy.set(data);
  writerWorker().postMessage({ fd, data: copy, cell });
  while (Atomics.load(cell, DONE) === 0) Atomics.wait(cell, DONE, 0);
  return Atomics.load(cell, RESULT);
}
