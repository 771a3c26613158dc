// bin/wasmux: run wasm programs under the wasmux kernel.
import path from 'node:path';
import { boot, ProgramError, type Mount, type Wasmux } from '../api.js';

const usage = `usage: wasmux run [--mount HOSTDIR:GUESTDIR]... PROGRAM.wasm [ARG]...
       wasmux --help

Runs PROGRAM.wasm (built with bin/wasmux-cc) as a process of a fresh wasmux kernel, with
its standard streams on this terminal or pipe, and exits with its exit status.

  --mount HOSTDIR:GUESTDIR   show the host directory HOSTDIR at GUESTDIR inside wasmux
                             (only there: nothing else of the host is visible)
Environment:
  WASMUX_TRACE=1             print every system call (strace style) on stderr
  WASMUX_TRACE=enosys        report each unimplemented system call once
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`wasmux: ${message}\n`);
  process.exit(code);
}

async function run(args: string[]): Promise<number> {
  const mounts: Mount[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--mount' || a.startsWith('--mount=')) {
      const spec = a === '--mount' ? args[++i] : a.slice('--mount='.length);
      if (!spec) fail('--mount needs HOSTDIR:GUESTDIR');
      const colon = spec.lastIndexOf(':');
      if (colon <= 0 || colon === spec.length - 1) fail(`--mount ${spec}: expected HOSTDIR:GUESTDIR`);
      const guest = spec.slice(colon + 1);
      if (!guest.startsWith('/')) fail(`--mount ${spec}: GUESTDIR must be an absolute path`);
      mounts.push({ host: spec.slice(0, colon), guest });
      continue;
    }
    if (a.startsWith('-')) fail(`run: unknown option ${a}\n${usage}`);
    break;
  }
  const program = args[i];
  if (!program) fail(`run: no program given\n${usage}`);
  const traceEnv = process.env.WASMUX_TRACE;
  const trace = traceEnv === 'enosys' ? 'unimplemented' : traceEnv && traceEnv !== '0' ? 'all' : 'off';
  try {
    return await start(program, args.slice(i + 1), mounts, trace);
  } catch (e) {
    if (e instanceof ProgramError) fail(`${program}: ${e.message}`, e.exitCode);
    throw e;
  }
}

async function start(program: string, programArgs: string[], mounts: Mount[], trace: 'all' | 'unimplemented' | 'off'): Promise<number> {
  const w = await boot({ mounts, trace });
  const env: Record<string, string> = {
    PATH: '/bin:/usr/bin',
    HOME: '/home',
    TERM: process.env.TERM ?? 'xterm',
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
  const handle = w.spawn(path.resolve(program), [program, ...programArgs], { env });
  forwardSignals(w, handle.pid);
  const exit = await handle.wait();
  return exit.exitCode ?? 128 + (exit.signal ?? 0);
}

// The signals a terminal or a supervisor sends to this command go on to the program's
// process group, as a terminal sends them to its foreground group: the program decides
// (it may catch or ignore them) and its exit status tells the rest.
function forwardSignals(w: Wasmux, pid: number): void {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };
  for (const [name, sig] of Object.entries(numbers)) {
    process.on(name as NodeJS.Signals, () => {
      try {
        w.kill(-pid, sig);
      } catch {
        // the group is gone: the program is ending anyway
      }
    });
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    process.exit(command ? 0 : 2);
  }
  if (command !== 'run') fail(`unknown command ${command}\n${usage}`);
  try {
    process.exit(await run(rest));
  } catch (e) {
    if (e instanceof ProgramError) fail(e.message, e.exitCode);
    if (e instanceof Error) fail(e.message, 1);
    throw e;
  }
}

void main();
