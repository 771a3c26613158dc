// The writer worker of host_fd_writer.ts: one stream per fd, kept for the life of the
// host (destroying it would close the fd), written in the order requests come.
import net from 'node:net';
import tty from 'node:tty';
import { parentPort } from 'node:worker_threads';
import type { Writable } from 'node:stream';

interface Request {
  fd: number;
  data: Uint8Array;
  cell: Int32Array;
}

const streams = new Map<number, Writable>();

function streamFor(fd: number): Writable {
  let s = streams.get(fd);
  if (!s) {
    s = tty.isatty(fd) ? new tty.WriteStream(fd) : new net.Socket({ fd, readable: false, writable: true });
    s.on('error', () => {}); // each write reports its own error
    streams.set(fd, s);
  }
  return s;
}

function finish(cell: Int32Array, result: number): void {
  Atomics.store(cell, 1, result);
  Atomics.store(cell, 0, 1);
  Atomics.notify(cell, 0);
}

parentPort!.on('message', ({ fd, data, cell }: Request) => {
  let s: Writable;
  try {
    s = streamFor(fd);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).errno;
    finish(cell, typeof errno === 'number' ? -Math.abs(errno) : -5);
    return;
  }
  s.write(Buffer.from(data), (err) => {
    const errno = (err as NodeJS.ErrnoException | null | undefined)?.errno;
    finish(cell, err ? (typeof errno === 'number' ? -Math.abs(errno) : -32) : data.length);
  });
});
