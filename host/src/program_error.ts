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
