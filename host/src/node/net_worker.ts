// The host's network service thread (kernel/net/host_net.h): carries the guest's links to
// the host's network and the host's connections into the guest. It waits for kernel work
// with Atomics.waitAsync on the kernel's net word, so its event loop stays free for the
// sockets it serves: no polling, no timers. Every kernel call takes the lock only to copy.
import dgram from 'node:dgram';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { errno } from '../generated/abi.js';
import { KernelThread } from '../kernel/kernel_instance.js';
import type { NetReply, NetRequest, NetWorkerInit } from './net_messages.js';
import { answerDnsQuery } from './dns_stub.js';
import { fromNetAddress, HOST_GATEWAY, hostTarget, NAME_SERVER, readAddress, writeAddress, type GuestAddress } from './net_addresses.js';

const init = workerData as NetWorkerInit;
const kernel = new KernelThread(init.kernelModule, init.kernelMemory, init.mounts);
kernel.enterRegion(init.region);
const k = kernel.exports;

// Work bits and link kinds (kernel/net/host_net.h HostLink).
const WANT_CONNECT = 1, WANT_OUTPUT = 2, WANT_SHUTDOWN = 4, WANT_CLOSE = 8, WANT_INPUT = 16, WANT_RESET = 32;
const KIND_DATAGRAM = 2;
const CHUNK = 65536;
const record = k.wasmux_alloc(32);
const address = k.wasmux_alloc(20);
const scratch = k.wasmux_alloc(CHUNK);

// The host's end of one stream link: a TCP socket, or for sendHttpRequest a buffer.
interface StreamPeer {
  write(data: Buffer): boolean; // false: wait for 'drain' before more
  end(): void;
  reset(): void; // an abortive close: RST, what was not sent is dropped
  pause(): void;
  resume(): void;
  onDrain(f: () => void): void;
}

interface StreamLink {
  kind: 'stream';
  handle: number;
  peer: StreamPeer | undefined; // undefined until an outbound connect completes
  held: Buffer[]; // input the guest's queue had no room for
  waitingDrain: boolean;
  shutdown: boolean;
  closing: boolean;
}

interface DatagramLink {
  kind: 'datagram';
  handle: number;
  sockets: { udp4?: dgram.Socket; udp6?: dgram.Socket };
}

const links = new Map<number, StreamLink | DatagramLink>();

function kernelErrno(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'EPIPE') return errno.ECONNRESET;
  return (errno as Record<string, number>)[code] ?? errno.ECONNRESET;
}

// ---- streams ----

// Bytes from the host into the guest, holding back what its receive queue cannot take.
function input(link: StreamLink, data: Buffer): void {
  if (link.held.length) {
    link.held.push(data);
    return;
  }
  for (let at = 0; at < data.length; ) {
    const part = data.subarray(at, Math.min(at + CHUNK, data.length));
    kernel.kernel().set(part, scratch);
    const taken = k.wasmux_net_input(link.handle, scratch, part.length);
    if (taken < 0) return; // the link went
    at += taken;
    if (taken < part.length) {
      link.held.push(data.subarray(at));
      link.peer?.pause();
      return;
    }
  }
}

function retryHeld(link: StreamLink): void {
  const held = link.held;
  link.held = [];
  for (let i = 0; i < held.length; i++) {
    input(link, held[i]!);
    if (link.held.length) {
      link.held.push(...held.slice(i + 1));
      return;
    }
  }
  link.peer?.resume();
}

// The guest's output to the host, as fast as the host's side takes it.
function pump(link: StreamLink): void {
  const peer = link.peer;
  if (!peer || link.waitingDrain) return;
  for (;;) {
    const n = k.wasmux_net_take(link.handle, scratch, CHUNK, address);
    if (n <= 0) break;
    if (!peer.write(Buffer.from(kernel.kernel().subarray(scratch, scratch + n)))) {
      link.waitingDrain = true;
      peer.onDrain(() => {
        link.waitingDrain = false;
        pump(link);
      });
      return;
    }
  }
  if (link.shutdown || link.closing) peer.end();
  if (link.closing) release(link.handle);
}

function release(handle: number): void {
  links.delete(handle);
  k.wasmux_net_release(handle);
}

function attachSocket(link: StreamLink, socket: net.Socket): void {
  link.peer = {
    write: (data) => socket.write(data),
    end: () => socket.end(),
    reset: () => socket.resetAndDestroy(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    onDrain: (f) => socket.once('drain', f),
  };
  socket.on('data', (data: Buffer) => {
    if (links.get(link.handle) === link) input(link, data);
  });
  socket.on('end', () => {
    if (links.get(link.handle) === link) k.wasmux_net_end(link.handle);
  });
  socket.on('error', (e) => {
    if (links.get(link.handle) === link) k.wasmux_net_failed(link.handle, kernelErrno(e));
  });
}

function connect(link: StreamLink, remote: GuestAddress): void {
  const target = hostTarget(remote);
  if (!target) { // the name server's address takes only DNS over UDP
    k.wasmux_net_failed(link.handle, errno.ECONNREFUSED);
    return;
  }
  const socket = net.connect({ host: target.host, port: target.port });
  socket.once('connect', () => {
    if (links.get(link.handle) !== link) return socket.destroy();
    attachSocket(link, socket);
    k.wasmux_net_connected(link.handle);
    pump(link);
  });
  socket.once('error', (e) => {
    if (link.peer) return; // after connecting: attachSocket's handler reports it
    if (links.get(link.handle) === link) k.wasmux_net_failed(link.handle, kernelErrno(e));
  });
}

// ---- datagrams ----

function sendDatagrams(link: DatagramLink): void {
  for (;;) {
    const n = k.wasmux_net_take(link.handle, scratch, CHUNK, address);
    if (n < 0) return;
    const data = Buffer.from(kernel.kernel().subarray(scratch, scratch + n));
    const dest = readAddress(kernel.kernel(), address);
    if (dest.ip === NAME_SERVER && dest.port === 53) {
      void answerDnsQuery(data).then((answer) => {
        if (answer && links.get(link.handle) === link) deliverDatagram(link, dest, answer);
      });
      continue;
    }
    const target = hostTarget(dest);
    if (!target) continue; // lost, as UDP may be
    const family = net.isIPv6(target.host) ? 'udp6' : 'udp4';
    let socket = link.sockets[family];
    if (!socket) {
      socket = dgram.createSocket(family);
      socket.on('message', (msg, rinfo) => deliverDatagram(link, fromNetAddress(rinfo.address, rinfo.port), msg));
      socket.on('error', () => {}); // an ICMP error for one datagram: UDP goes on
      link.sockets[family] = socket;
    }
    socket.send(data, target.port, target.host);
  }
}

function deliverDatagram(link: DatagramLink, from: GuestAddress, data: Uint8Array): void {
  if (links.get(link.handle) !== link) return;
  const mem = kernel.kernel();
  writeAddress(mem, address, from);
  const n = Math.min(data.length, CHUNK);
  mem.set(data.subarray(0, n), scratch);
  k.wasmux_net_datagram(link.handle, address, scratch, n);
}

// ---- the kernel's work ----

function serveWork(): void {
  while (k.wasmux_net_next(record)) {
    const words = new Uint32Array(init.kernelMemory.buffer, record, 3);
    const [handle, work, kind] = [words[0]!, words[1]!, words[2]!];
    const remote = readAddress(kernel.kernel(), record + 12);
    let link = links.get(handle);
    if (!link) {
      link = kind === KIND_DATAGRAM
        ? { kind: 'datagram', handle, sockets: {} }
        : { kind: 'stream', handle, peer: undefined, held: [], waitingDrain: false, shutdown: false, closing: false };
      links.set(handle, link);
    }
    if (link.kind === 'datagram') {
      if (work & WANT_OUTPUT) sendDatagrams(link);
      if (work & WANT_CLOSE) {
        link.sockets.udp4?.close();
        link.sockets.udp6?.close();
        release(handle);
      }
      continue;
    }
    if (work & WANT_RESET) {
      link.peer?.reset();
      release(handle);
      continue;
    }
    if (work & WANT_SHUTDOWN) link.shutdown = true;
    if (work & WANT_CLOSE) link.closing = true;
    if (work & WANT_INPUT) retryHeld(link);
    if (work & WANT_CONNECT) connect(link, remote);
    if (link.closing && !link.peer) {
      release(handle); // closed before its connection was made
      continue;
    }
    pump(link);
  }
}

async function serve(): Promise<void> {
  const index = k.wasmux_net_word() >>> 2;
  for (;;) {
    const words = new Int32Array(init.kernelMemory.buffer);
    const seen = Atomics.load(words, index);
    serveWork();
    const wait = Atomics.waitAsync(words, index, seen);
    if (wait.async) await wait.value;
  }
}

// ---- connections from the host: --publish and sendHttpRequest ----

// A new link into guest port `port` from `from`: its handle, or a negative errno.
function inbound(port: number, from: GuestAddress): number {
  writeAddress(kernel.kernel(), address, from);
  return k.wasmux_net_inbound(port, address);
}

function newStreamLink(handle: number): StreamLink {
  const link: StreamLink = { kind: 'stream', handle, peer: undefined, held: [], waitingDrain: false, shutdown: false, closing: false };
  links.set(handle, link);
  return link;
}

function publish(hostPort: number, guestPort: number, hostAddress: string): Promise<void> {
  const server = net.createServer((socket) => {
    const from = fromNetAddress(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0);
    const handle = inbound(guestPort, from);
    if (handle < 0) {
      socket.resetAndDestroy(); // nothing listens there: a refusal, as Linux's RST
      return;
    }
    attachSocket(newStreamLink(handle), socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(hostPort, hostAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// The ports sendHttpRequest's connections come from, as a host's ephemeral range would give.
let clientPort = 49151;
function nextClientPort(): number {
  clientPort = clientPort >= 65535 ? 49152 : clientPort + 1;
  return clientPort;
}

// One HTTP/1.1 exchange with a guest server through the kernel: the request's bytes in,
// the response's bytes out until the server closes or the message is complete.
function httpExchange(port: number, request: Uint8Array, complete: (data: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const handle = inbound(port, { ip: HOST_GATEWAY, port: nextClientPort() });
    if (handle < 0) {
      reject(new Error(`nothing listens on port ${port} in the guest (ECONNREFUSED)`));
      return;
    }
    const link = newStreamLink(handle);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    };
    link.peer = {
      write: (data) => {
        chunks.push(data);
        if (!done && complete(Buffer.concat(chunks))) {
          finish();
          k.wasmux_net_end(handle); // the client is done: the server reads its end
        }
        return true;
      },
      end: finish,
      reset: () => {
        if (done) return;
        done = true;
        reject(new Error(`the guest server on port ${port} reset the connection (ECONNRESET)`));
      },
      pause: () => {},
      resume: () => {},
      onDrain: () => {},
    };
    input(link, Buffer.from(request));
  });
}

parentPort!.on('message', (m: NetRequest) => {
  const reply = (r: Omit<NetReply, 'id'>) => parentPort!.postMessage({ id: m.id, ...r } as NetReply);
  if (m.type === 'publish') {
    publish(m.hostPort, m.guestPort, m.hostAddress).then(
      () => reply({ ok: true }),
      (e: NodeJS.ErrnoException) => reply({ ok: false, error: e.code === 'EADDRINUSE' ? 'in use' : (e.code ?? e.message) }),
    );
  } else if (m.type === 'http') {
    httpExchange(m.port, m.request, (data) => m.complete !== false && httpMessageComplete(data)).then(
      (data) => reply({ ok: true, data }),
      (e: Error) => reply({ ok: false, error: e.message }),
    );
  }
});

// Whether data holds a whole HTTP/1.1 response: its head, and a body of Content-Length
// bytes or a chunked body up to its last chunk (RFC 9112 §6.3). Without either the body
// runs to the end of the connection.
function httpMessageComplete(data: Buffer): boolean {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return false;
  const head = data.subarray(0, headEnd).toString('latin1').toLowerCase();
  const body = data.length - headEnd - 4;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) return body >= Number(length[1]);
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) return /(^|\r\n)0+(;[^\r]*)?\r\n(.*\r\n)*\r\n$/.test(data.subarray(headEnd + 4).toString('latin1'));
  const status = /^http\/1\.[01] (\d{3})/.exec(head);
  return status !== null && (status[1]!.startsWith('1') || status[1] === '204' || status[1] === '304');
}

void serve();
parentPort!.postMessage({ id: 0, ok: true } as NetReply); // ready
