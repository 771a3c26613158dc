// The main thread's side of host networking (kernel/net/host_net.h): starts the network
// service thread (net_worker.ts) when the kernel first has work for it or a port is
// published, and offers the API: publish, sendHttpRequest, pickListenerTarget.
import { Worker } from 'node:worker_threads';
import { errno } from '../generated/abi.js';
import type { KernelThread } from '../kernel/kernel_instance.js';
import type { HostMounts } from './host_fs.js';
import type { NetReply, NetRequest, NetWorkerInit } from './net_messages.js';
import { ProgramError } from '../program_error.js';

// A request without its id (Omit over each member of the union).
type NetRequestBody = NetRequest extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

export interface HttpRequest {
  method?: string; // GET
  path?: string; // /
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>; // names in lower case; repeated ones joined with ", "
  body: Uint8Array;
}

export class HostNetwork {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: NetReply) => void>();
  private outstanding = 0;
  private closed = false;

  constructor(
    private readonly kernel: KernelThread,
    private readonly kernelModule: WebAssembly.Module,
    private readonly mounts: HostMounts,
  ) {
    // The service starts when the kernel first has work for it (a guest reaching the
    // host's network), awaited here without blocking: a run that never does costs nothing.
    const words = new Int32Array(kernel.kernelMemory.buffer);
    const index = kernel.exports.wasmux_net_word() >>> 2;
    const wait = Atomics.waitAsync(words, index, Atomics.load(words, index));
    if (wait.async) void wait.value.then(() => void this.start());
    else void this.start();
  }

  // Guest TCP port guestPort reachable at hostAddress:hostPort on the host. Rejects with
  // a one-line ProgramError when the host's port cannot be had.
  async publish(hostPort: number, guestPort: number, hostAddress = '127.0.0.1'): Promise<void> {
    const r = await this.request({ type: 'publish', hostPort, guestPort, hostAddress });
    if (!r.ok) {
      const why = r.error === 'in use' ? 'is already in use' : `cannot be listened on (${r.error})`;
      throw new ProgramError(`--publish ${hostPort}:${guestPort}: port ${hostPort} on ${hostAddress} ${why}`, 1);
    }
  }

  // An HTTP/1.1 request to a server listening on guest TCP port `port`, carried through
  // the kernel (no host TCP); resolves with the parsed response.
  async sendHttpRequest(port: number, request: HttpRequest = {}): Promise<HttpResponse> {
    const body = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : (request.body ?? new Uint8Array(0));
    const headers: Record<string, string> = { host: `localhost:${port}`, connection: 'close', ...lowerCaseKeys(request.headers ?? {}) };
    if (body.length || request.method === 'POST' || request.method === 'PUT') headers['content-length'] = String(body.length);
    const head = `${request.method ?? 'GET'} ${request.path ?? '/'} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(new TextEncoder().encode(head));
    bytes.set(body, head.length);
    const r = await this.request({ type: 'http', port, request: bytes, complete: request.method !== 'HEAD' });
    if (!r.ok) throw new Error(`sendHttpRequest to port ${port}: ${r.error}`);
    return parseHttpResponse(Buffer.from(r.data!), request.method === 'HEAD');
  }

  // The guest listener the next connection from the host to `port` reaches (round-robin
  // among SO_REUSEPORT listeners), as the process and descriptor holding it; null: none.
  pickListenerTarget(port: number): { pid: number; fd: number } | null {
    const k = this.kernel.exports;
    const out = k.wasmux_alloc(8);
    try {
      const r = k.wasmux_net_next_listener(port, out);
      if (r === -errno.ECONNREFUSED || r < 0) return null;
      const words = new Int32Array(this.kernel.kernelMemory.buffer, out, 2);
      return { pid: words[0]!, fd: words[1]! };
    } finally {
      k.wasmux_free(out);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    if (this.closed) return Promise.reject(new Error('wasmux is shut down'));
    const init: NetWorkerInit = {
      role: 'net',
      kernelModule: this.kernelModule,
      kernelMemory: this.kernel.kernelMemory,
      region: this.kernel.exports.wasmux_kthread_alloc(),
      mounts: this.mounts,
    };
    const worker = new Worker(new URL('./net_worker.js', import.meta.url), { workerData: init });
    this.worker = worker;
    worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.waiting.set(0, () => resolve());
      worker.once('error', reject);
    });
    // A failure of the service ends host networking, not the run: one line says so, and
    // requests still waiting get it as their answer.
    worker.on('error', (e) => {
      process.stderr.write(`wasmux: the network service failed: ${e.message}\n`);
      for (const [id, done] of this.waiting) if (id !== 0) done({ id, ok: false, error: `the network service failed: ${e.message}` });
      this.waiting.clear();
    });
    worker.on('message', (m: NetReply) => {
      const done = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      done?.(m);
    });
    return this.ready;
  }

  private async request(m: NetRequestBody): Promise<NetReply> {
    await this.start();
    const id = this.nextId++;
    // While a request is out, the host stays alive for its answer.
    if (this.outstanding++ === 0) this.worker!.ref();
    try {
      return await new Promise<NetReply>((resolve) => {
        this.waiting.set(id, resolve);
        this.worker!.postMessage({ ...m, id } as NetRequest);
      });
    } finally {
      if (--this.outstanding === 0) this.worker?.unref();
    }
  }
}

function lowerCaseKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

// An HTTP/1.1 response (RFC 9112): status line, headers, and a body by Content-Length,
// chunked transfer coding, or the rest of the connection.
export function parseHttpResponse(data: Buffer, headOnly = false): HttpResponse {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`the guest server's response has no complete head (${data.length} bytes)`);
  const lines = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0]!);
  if (!status) throw new Error(`the guest server's response does not start with a status line: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let body = data.subarray(headEnd + 4);
  if (headOnly) body = body.subarray(0, 0);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = decodeChunked(body);
  return { status: Number(status[1]), statusText: status[2]!, headers, body: new Uint8Array(body) };
}

function decodeChunked(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
