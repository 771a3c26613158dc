// Pre-started workers (DESIGN §4): starting a Worker costs tens of milliseconds, so a few
// wait ready, each with its kernel instance already made, and come back after each run.
import { Worker } from 'node:worker_threads';
import type { HostMounts } from './node/host_fs.js';
import { injectedFault } from './faults.js';
import type { RunRequest, WorkerInit, WorkerReply } from './kernel/messages.js';
import type { MemoryLimits } from './program_error.js';

export interface PoolContext {
  kernelModule: WebAssembly.Module;
  kernelMemory: WebAssembly.Memory;
  allocRegion(): number;
  mounts: HostMounts;
  onOutput(channel: number, data: Uint8Array): void;
  sequencer: Sequencer;
  cloneThreads: Int32Array; // WorkerInit.cloneThreads
  onSpawn(pid: number, key: string, image: Uint8Array<ArrayBuffer> | undefined, limits: MemoryLimits): void;
  onFork(parentPid: number, request: RunRequest): void;
  onExec(pid: number, argv: string[]): void;
  onTerminate(pid: number, tid: number, status: number, last: boolean): void;
  onThread(request: RunRequest): void;
  onTimerService(): void;
  onPanic(message: string): void;
  onInterrupt(tid: number): void;
  onMemory(pid: number, tid: number, runTid: number, memory: WebAssembly.Memory, word: number, forked: boolean): void;
  freeRegion(region: number): void;
  releaseKilledThread(tid: number): void;
}

// Runs numbered messages in number order (WorkerInit.sequence): a message waits until
// every lower number has been handled. No number is skipped: a worker takes one only to
// post at once, from code that cannot be terminated meanwhile (in the kernel, or after its
// thread finished).
export class Sequencer {
  private next = 0;
  private readonly waiting = new Map<number, () => void>();
  readonly counter = new Int32Array(new SharedArrayBuffer(4));

  run(seq: number, handle: () => void): void {
    this.waiting.set(seq, handle);
    for (let h = this.waiting.get(this.next); h; h = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      h();
    }
  }
}

export class PooledWorker {
  readonly ready: Promise<void>;
  isReady = false; // its kernel instance is made: a run posted now starts at once
  onReply: ((msg: WorkerReply) => void) | undefined;

  constructor(readonly worker: Worker, readonly region: number, ctx: PoolContext) {
    this.ready = new Promise((resolve, reject) => {
      const first = (msg: WorkerReply): void => {
        if (msg.type === 'ready') {
          worker.off('message', first);
          worker.on('message', (m: WorkerReply) => {
            if (m.type === 'output') ctx.sequencer.run(m.seq, () => ctx.onOutput(m.channel, m.data));
            else if (m.type === 'exit') ctx.sequencer.run(m.seq, () => this.onReply?.(m));
            else if (m.type === 'spawn') ctx.onSpawn(m.pid, m.key, m.image, m.limits);
            else if (m.type === 'fork') ctx.onFork(m.parentPid, m.request);
            else if (m.type === 'exec') ctx.onExec(m.pid, m.argv);
            else if (m.type === 'terminate') ctx.onTerminate(m.pid, m.tid, m.status, m.last);
            else if (m.type === 'thread') ctx.onThread(m.request);
            else if (m.type === 'timer-service') ctx.onTimerService();
            else if (m.type === 'panic') ctx.onPanic(m.message);
            else if (m.type === 'interrupt') ctx.onInterrupt(m.tid);
            else if (m.type === 'memory') ctx.onMemory(m.pid, m.tid, m.runTid, m.memory, m.word, m.forked);
            else this.onReply?.(m);
          });
          this.isReady = true;
          resolve();
        }
      };
      worker.on('message', first);
      // A worker that fails before it is ready ran nothing: the pool deals with it
      // (WorkerPool.bootFailed). One that dies of an uncaught error later may have been
      // anywhere, the kernel included: a panic.
      worker.on('error', (e) => {
        if (!this.isReady) reject(e);
        else ctx.onPanic(`a process worker failed: ${e.stack ?? e.message}`);
      });
    });
  }
}

export class WorkerPool {
  private idle: PooledWorker[] = [];
  private all = new Set<PooledWorker>();
  // Runs waiting for a worker: none idle was ready (booted) when they came. Idle workers do
  // not keep the host alive, so a timer does while a run waits.
  private waiting: { resolve: (w: PooledWorker) => void; reject: (e: Error) => void }[] = [];
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: PoolContext, private readonly spare: number) {
    this.refill();
  }

  private start(): PooledWorker {
    const init: WorkerInit = {
      role: 'process',
      kernelModule: this.ctx.kernelModule,
      kernelMemory: this.ctx.kernelMemory,
      region: this.ctx.allocRegion(),
      mounts: this.ctx.mounts,
      sequence: this.ctx.sequencer.counter,
      cloneThreads: this.ctx.cloneThreads,
      failStart: injectedFault('worker_start') !== 0,
    };
    const w = new PooledWorker(new Worker(new URL('./process_worker.js', import.meta.url), { workerData: init }), init.region, this.ctx);
    w.worker.unref();
    this.all.add(w);
    // Booted while idle: a waiting run takes it (unless it was retired meanwhile).
    w.ready.then(
      () => {
        const at = this.idle.indexOf(w);
        if (at < 0 || !this.waiting.length) return;
        this.handOff(this.idle.splice(at, 1)[0]!);
        this.refill();
      },
      (e: Error) => this.bootFailed(w, e),
    );
    return w;
  }

  // A worker could not start (the host is out of threads or memory): it goes, and when no
  // other booting worker is left for a waiting run, the oldest one fails (its process is
  // killed: api.ts runNotStarted) instead of waiting for ever. No new one is started here:
  // the next run asks again.
  private bootFailed(w: PooledWorker, e: Error): void {
    process.stderr.write(`wasmux: a worker could not start: ${e.message}\n`);
    this.all.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
    void w.worker.terminate().then(() => this.ctx.freeRegion(w.region));
    const booting = this.idle.filter((x) => !x.isReady).length;
    if (this.waiting.length > booting) {
      this.waiting.shift()!.reject(e);
      if (this.waiting.length === 0) {
        clearInterval(this.keepAlive);
        this.keepAlive = undefined;
      }
    }
  }

  private refill(): void {
    while (this.idle.length < this.spare) this.idle.push(this.start());
  }

  // The worker for the next run: the last used idle one that has booted (its compiled
  // images are warm). When none has, whichever comes first: a booting worker getting ready,
  // or a worker coming back from a run. Starting a Worker takes tens of milliseconds, and a
  // shell's next fork often comes before the main thread has seen its last child's worker
  // finish (the parent's wait returns from the kernel directly); waiting for the next
  // free worker instead of the one still booting saves those milliseconds.
  acquire(): Promise<PooledWorker> {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      if (!this.idle[i]!.isReady) continue;
      const w = this.idle.splice(i, 1)[0]!;
      this.refill();
      return Promise.resolve(w);
    }
    const w = new Promise<PooledWorker>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.keepAlive ??= setInterval(() => {}, 1 << 30);
    // Progress without any run ending: at least one booting worker per waiting run.
    if (this.idle.length < this.waiting.length) this.idle.push(this.start());
    this.refill();
    return w;
  }

  private handOff(w: PooledWorker): void {
    this.waiting.shift()!.resolve(w);
    if (this.waiting.length === 0) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }

  // Workers that finished a run wait for the next one: starting a Worker costs tens of
  // milliseconds, which a shell running pipelines in a loop would otherwise pay for every
  // stage beyond the spares. Up to maxIdle are kept; those beyond the spares go after a
  // while without use.
  private static readonly maxIdle = 8;
  private static readonly idleMs = 10000;
  private trimTimer: NodeJS.Timeout | undefined;

  release(w: PooledWorker): void {
    w.onReply = undefined;
    if (this.waiting.length) return this.handOff(w);
    if (this.idle.length >= WorkerPool.maxIdle) return this.retire(w);
    this.idle.push(w); // the last used is the first reused: its compiled images are warm
    if (this.idle.length > this.spare) {
      clearTimeout(this.trimTimer);
      this.trimTimer = setTimeout(() => this.trim(), WorkerPool.idleMs);
      this.trimTimer.unref();
    }
  }

  private trim(): void {
    if (this.waiting.length) return; // a booting idle worker may be promised to one
    while (this.idle.length > this.spare) this.retire(this.idle.shift()!);
  }

  // A worker whose thread tid was killed in user code: it is terminated, never reused, and
  // once it is gone (it could not be inside the kernel) its kernel region and the kernel's
  // record of the thread are freed, and then done() is called.
  discard(w: PooledWorker, tid: number, done?: () => void): void {
    w.onReply = undefined;
    this.all.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
    void w.worker.terminate().then(() => {
      this.ctx.releaseKilledThread(tid);
      this.ctx.freeRegion(w.region);
      done?.();
    });
  }

  private retire(w: PooledWorker): void {
    this.all.delete(w);
    void w.worker.terminate().then(() => this.ctx.freeRegion(w.region));
  }

  async close(): Promise<void> {
    clearTimeout(this.trimTimer);
    clearInterval(this.keepAlive);
    await Promise.all([...this.all].map((w) => w.worker.terminate()));
    this.all.clear();
    this.idle = [];
  }
}
