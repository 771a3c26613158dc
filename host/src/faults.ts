// Host faults on demand, for the fault-injection tests (issue 8; tests/e2e/faults.test.mjs).
// WASMUX_FAULTS lists host operations that fail, comma separated, each as
//   operation=ERRNO       every call fails with that errno (a name: EIO, ENOSPC, EACCES...)
//   operation=ERRNO@N     the first N calls succeed, then every call fails
// Operations: the host file-system calls (fs_open, fs_pread, fs_pwrite, fs_stat,
// fs_readdir, fs_mkdir, fs_unlink, fs_rename, fs_fsync, fs_ftruncate, ...), memory_grow (a
// process's memory), worker_start (a pooled worker, counted by the main thread).
// Each thread counts its own calls. Unset (always, outside tests), nothing is checked.
import { isMainThread } from 'node:worker_threads';
import { errno } from './generated/abi.js';

interface Fault {
  error: number;
  skip: number;
}

const faults = new Map<string, Fault>();
for (const item of (process.env.WASMUX_FAULTS ?? '').split(',').filter(Boolean)) {
  const m = /^([a-z_]+)=([A-Z0-9]+)(?:@(\d+))?$/.exec(item.trim());
  const error = m ? (errno as Record<string, number>)[m[2]!] : undefined;
  if (!m || error === undefined) {
    // Said once, by the main thread (every worker reads the list too).
    if (isMainThread) process.stderr.write(`wasmux: WASMUX_FAULTS: cannot read "${item}" (operation=ERRNO or operation=ERRNO@N)\n`);
    continue;
  }
  faults.set(m[1]!, { error, skip: Number(m[3] ?? 0) });
}

export const faultsInjected = faults.size > 0;

// The errno this call of operation must fail with, or 0.
export function injectedFault(operation: string): number {
  const f = faults.get(operation);
  if (!f) return 0;
  if (f.skip > 0) {
    f.skip--;
    return 0;
  }
  return f.error;
}
