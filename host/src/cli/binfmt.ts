// wasmux binfmt: wasm programs as the host kernel's executables, through binfmt_misc
// (Linux Documentation/admin-guide/binfmt-misc.rst). A file starting with the wasm magic
// "\0asm" runs through sdk/bin/wasmux-emulator, which gets the program's full path then
// its arguments.
//   install|remove|status  the host's own binfmt_misc (as root, where the host offers it)
//   run COMMAND [ARG]...   COMMAND in a private user and mount namespace with a binfmt_misc
//                          instance of its own (Linux 6.7 made binfmt_misc mountable per user
//                          namespace): what a build runs there (nginx's configure runs its
//                          probes as ./objs/autotest) runs as wasm, and the host's own
//                          registrations stay untouched.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signal } from '../generated/abi.js';

const binfmtDir = '/proc/sys/fs/binfmt_misc';
const binfmtEntry = path.join(binfmtDir, 'wasmux');
const emulator = path.resolve(import.meta.dirname, '../../../sdk/bin/wasmux-emulator');
const registration = `:wasmux:M::\\x00asm::${emulator}:`;

export class BinfmtError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function binfmt(args: string[], usage: string): number {
  const [action, ...extra] = args;
  if (action === 'run') return runWithPrivateBinfmt(extra);
  if (extra.length > 0 || !['install', 'remove', 'status'].includes(action ?? ''))
    throw new BinfmtError(`binfmt: expected install, remove, status or run COMMAND\n${usage}`, 2);
  if (!fs.existsSync(path.join(binfmtDir, 'register')))
    throw new BinfmtError(
      `binfmt: ${binfmtDir} is not mounted here (or this container does not offer it); use "wasmux binfmt run COMMAND", or run programs with sdk/bin/wasmux-emulator PROGRAM`,
      1,
    );
  const installed = fs.existsSync(binfmtEntry);
  try {
    if (action === 'status') {
      process.stdout.write(installed ? fs.readFileSync(binfmtEntry, 'utf8') : 'wasmux is not registered\n');
    } else if (action === 'install') {
      if (installed) fs.writeFileSync(binfmtEntry, '-1'); // again, with this checkout's path
      fs.writeFileSync(path.join(binfmtDir, 'register'), registration);
      process.stdout.write(`wasmux: wasm programs now run through ${emulator}\n`);
    } else if (installed) {
      fs.writeFileSync(binfmtEntry, '-1');
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BinfmtError(
      `binfmt ${action}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied (run it as root)' : String(code ?? e)}`,
      1,
    );
  }
  return 0;
}

// unshare(1) makes the namespaces (the caller is root inside, mapped to itself outside, so
// what the command writes belongs to the caller); a small sh mounts the namespace's own
// binfmt_misc, registers wasmux and execs the command, so that its exit status and
// signals are the command's.
function runWithPrivateBinfmt(command: string[]): number {
  if (command.length === 0) throw new BinfmtError('binfmt run: expected a COMMAND to run', 2);
  const script = `mount -t binfmt_misc binfmt_misc ${binfmtDir} 2>/dev/null || {
  echo "wasmux binfmt run: this host gives no binfmt_misc of a user namespace's own (it needs Linux 6.7 or later); run programs with sdk/bin/wasmux-emulator PROGRAM" >&2; exit 126; }
printf '%s' "$1" > ${binfmtDir}/register || exit 126
shift
exec "$@"`;
  const result = spawnSync(
    'unshare',
    ['--user', '--map-root-user', '--mount', '--', '/bin/sh', '-c', script, 'wasmux-binfmt', registration, ...command],
    { stdio: 'inherit' },
  );
  if (result.error) throw new BinfmtError(`binfmt run: cannot start unshare: ${result.error.message}`, 126);
  if (result.signal) return 128 + (signal[result.signal as keyof typeof signal] ?? 0);
  return result.status ?? 1;
}
