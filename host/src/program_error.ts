import { errno, errnoInfo } from './generated/abi.js';

// A program the host cannot start, with a one-line message and the exit status a shell
// would give (126: found but not runnable; 127: not found).
export class ProgramError extends Error {
  constructor(message: string, readonly exitCode: number = 126) {
    super(message);
  }
}

// The memory a program's module imports, in 64 KiB pages, as the kernel checked it
// (kernel/exec/wasm_image.h).
export interface MemoryLimits {
  initialPages: number;
  maximumPages: number;
}

// The C library's words for an errno ("No such file or directory"), for one-line messages.
export function errnoMessage(e: number): string {
  return errnoInfo[e]?.[1] ?? `errno ${e}`;
}

// The exit status a shell gives a command it could not run (POSIX "Command Search and
// Execution"): 127 when it was not found, 126 when it was found and could not run.
export function execFailureStatus(e: number): number {
  return e === errno.ENOENT || e === errno.ENOTDIR ? 127 : 126;
}
