// bin/wasmux: a shell on the root filesystem image, or a wasm program from the host, under
// a fresh wasmux kernel.
import fs from 'node:fs';
import path from 'node:path';
import { binfmt, BinfmtError } from './binfmt.js';
import { signal } from '../generated/abi.js';
import { boot, defaultRootfsPath, fullRootfsPath, ProgramError, type BootOptions, type Mount, type Wasmux } from '../api.js';

const usage = `usage: wasmux run [OPTION]... PROGRAM.wasm [ARG]...
       wasmux sh [OPTION]... [-c COMMAND | SCRIPT] [ARG]...
       wasmux binfmt install|remove|status
       wasmux binfmt run COMMAND [ARG]...
       wasmux                 (the same as wasmux sh: an interactive shell)
       wasmux --help

wasmux sh runs /bin/sh (dash) from the root filesystem image, with busybox's commands in
/bin: "wasmux sh -c 'ls /bin | wc -l'" runs one command line, "wasmux sh" reads commands
from this terminal or pipe. wasmux run runs PROGRAM.wasm (a host file built with
bin/wasmux-cc). Either way the standard streams are this process's, and wasmux exits with
the program's exit status. wasmux binfmt install registers wasmux with the host kernel's
binfmt_misc (as root, where the host allows it), so that a wasm program runs as
./PROGRAM and "make check" runs wasm tests: through sdk/bin/wasmux-emulator, which shows
the program the host directories it names. wasmux binfmt run COMMAND does the same for
COMMAND and what it starts only, in a user and mount namespace of its own (Linux 6.7 or
later): a build that runs the programs it compiles (./configure probes, make check).

Options:
  --mount HOSTDIR:GUESTDIR   show the host directory HOSTDIR at GUESTDIR inside wasmux
                             (only there: nothing else of the host is visible)
  --mount HOSTDIR            the same at HOSTDIR's own absolute path ("--mount ." shows
                             the current directory where it is on the host)
  --cwd DIR                  the program's working directory inside wasmux (default: the
                             current directory when a mount shows it, else / for run and
                             /root for sh)
  --image default|full       the root filesystem image: build/rootfs.tar (dash and
                             busybox), or build/rootfs-full.tar (also the larger ports:
                             lua, sqlite3, ...; ports/build.sh --full makes it)
  --host-env                 (run) the program gets this process's environment instead
                             of a fresh one (PATH=/bin:/usr/bin, HOME, TERM, LANG)
  --argv0 NAME               (run) the program's argv[0] (default: PROGRAM as given)
  --publish [ADDR:]HOSTPORT:GUESTPORT
                             a guest TCP server on GUESTPORT reachable on the host at
                             ADDR:HOSTPORT (ADDR: 127.0.0.1 unless given; repeatable)
  --network host|none        host (default): guests reach the host's network (the host
                             itself is 10.0.2.2, host.wasmux.internal); none: loopback only
  --user UID[:GID]           the program's user and group ids (default 0:0, root;
                             GID defaults to UID)
  --rootfs IMAGE             another root filesystem image, a ustar archive
  --no-rootfs                start with an empty root file system
Environment:
  WASMUX_TRACE=1             print every system call (strace style) on stderr
  WASMUX_TRACE=time          the same, each line with the seconds since boot
  WASMUX_TRACE=enosys        report each unimplemented system call once
  WASMUX_NETWORK=none        the same as --network=none (for runs a build system starts)
Signals: SIGHUP, SIGINT, SIGQUIT and SIGTERM go on to the program's process group;
SIGUSR2 prints the kernel's processes and threads on stderr.
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`wasmux: ${message}\n`);
  process.exit(code);
}

interface Options {
  mounts: Mount[];
  cwd: string | undefined;
  hostEnv: boolean;
  argv0: string | undefined;
  rootfs: string | false | undefined; // undefined: the default image, when it exists
  publish: { hostAddress: string; hostPort: number; guestPort: number }[];
  network: 'host' | 'none';
  user: { uid: number; gid: number } | undefined;
  rest: string[]; // the program (run) or the shell's arguments (sh)
}

// --publish [ADDR:]HOSTPORT:GUESTPORT (ADDR may be [IPv6]).
function parsePublish(spec: string): Options['publish'][number] {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+|localhost):)?(\d+):(\d+)$/.exec(spec);
  const port = (text: string | undefined) => (text && Number(text) >= 1 && Number(text) <= 65535 ? Number(text) : 0);
  if (!m || !port(m[2]) || !port(m[3])) fail(`--publish ${spec}: expected [ADDR:]HOSTPORT:GUESTPORT with ports from 1 to 65535`);
  const address = m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1';
  return { hostAddress: address, hostPort: port(m[2]), guestPort: port(m[3]) };
}

// Our options come first; the first argument that is not one of them starts the rest.
function parseOptions(command: string, args: string[]): Options {
  const options: Options = { mounts: [], cwd: undefined, hostEnv: false, argv0: undefined, rootfs: undefined, publish: [], network: process.env.WASMUX_NETWORK === 'none' ? 'none' : 'host', user: undefined, rest: [] };
  let i = 0;
  const value = (a: string, name: string): string => {
    const v = a === name ? args[++i] : a.slice(name.length + 1);
    if (!v) fail(`${name} needs a value\n${usage}`);
    return v;
  };
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--mount' || a.startsWith('--mount=')) {
      const spec = value(a, '--mount');
      const colon = spec.lastIndexOf(':');
      if (colon < 0) {
        const at = path.resolve(spec);
        if (at === '/') fail(`--mount ${spec}: the host's root cannot be shown at the guest's root; give HOSTDIR:GUESTDIR`);
        options.mounts.push({ host: at, guest: at });
        continue;
      }
      if (colon === 0 || colon === spec.length - 1) fail(`--mount ${spec}: expected HOSTDIR:GUESTDIR or HOSTDIR`);
      const guest = spec.slice(colon + 1);
      if (!guest.startsWith('/')) fail(`--mount ${spec}: GUESTDIR must be an absolute path`);
      options.mounts.push({ host: spec.slice(0, colon), guest });
      continue;
    }
    if (a === '--cwd' || a.startsWith('--cwd=')) {
      const dir = value(a, '--cwd');
      if (!dir.startsWith('/')) fail(`--cwd ${dir}: give an absolute path inside wasmux`);
      options.cwd = dir;
      continue;
    }
    if (a === '--rootfs' || a.startsWith('--rootfs=')) {
      options.rootfs = path.resolve(value(a, '--rootfs'));
      continue;
    }
    if (command === 'run' && a === '--host-env') {
      options.hostEnv = true;
      continue;
    }
    if (command === 'run' && (a === '--argv0' || a.startsWith('--argv0='))) {
      options.argv0 = value(a, '--argv0');
      continue;
    }
    if (a === '--image' || a.startsWith('--image=')) {
      const name = value(a, '--image');
      if (name !== 'default' && name !== 'full') fail(`--image ${name}: expected default or full`);
      options.rootfs = name === 'full' ? fullRootfsPath : defaultRootfsPath;
      if (!fs.existsSync(options.rootfs))
        fail(`--image ${name}: ${options.rootfs} is not built (ports/build.sh --full builds it)`);
      continue;
    }
    if (a === '--publish' || a.startsWith('--publish=')) {
      options.publish.push(parsePublish(value(a, '--publish')));
      continue;
    }
    if (a === '--user' || a.startsWith('--user=')) {
      const spec = value(a, '--user');
      const m = /^(\d+)(?::(\d+))?$/.exec(spec);
      if (!m || Number(m[1]) > 0xfffffffe || Number(m[2] ?? 0) > 0xfffffffe) fail(`--user ${spec}: expected UID or UID:GID (numbers)`);
      options.user = { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
      continue;
    }
    if (a === '--network' || a.startsWith('--network=')) {
      const mode = value(a, '--network');
      if (mode !== 'host' && mode !== 'none') fail(`--network ${mode}: expected host or none`);
      options.network = mode;
      continue;
    }
    if (a === '--no-rootfs') {
      options.rootfs = false;
      continue;
    }
    // The shell's own options are single-dash (-c, -e, -x ...); ours are all long.
    if (a.startsWith('--') || (command === 'run' && a.startsWith('-'))) fail(`${command}: unknown option ${a}\n${usage}`);
    break;
  }
  options.rest = args.slice(i);
  return options;
}

// The working directory: --cwd, else the host's current directory where a mount shows it
// (the deepest mount that holds it), else fallback.
function workingDirectory(o: Options, fallback: string): string {
  if (o.cwd) return o.cwd;
  const here = process.cwd();
  let best: { host: string; guest: string } | undefined;
  for (const m of o.mounts) {
    let host: string;
    try {
      host = fs.realpathSync(m.host);
    } catch {
      continue; // boot reports the bad mount
    }
    const inside = here === host || here.startsWith(host.endsWith('/') ? host : host + '/');
    if (inside && (!best || host.length > best.host.length)) best = { host, guest: m.guest };
  }
  if (!best) return fallback;
  const rest = path.relative(best.host, here);
  return rest ? path.posix.join(best.guest, rest) : best.guest;
}

function traceOption(): BootOptions['trace'] {
  const t = process.env.WASMUX_TRACE;
  return t === 'enosys' ? 'unimplemented' : t === 'time' ? 'timed' : t && t !== '0' ? 'all' : 'off';
}

// A kernel with the options' mounts, image and network, its ports published.
async function bootWith(o: Options): Promise<Wasmux> {
  if (o.publish.length && o.network === 'none') fail('--publish needs host networking; drop --network=none');
  const w = await boot({ mounts: o.mounts, rootfs: o.rootfs, trace: traceOption(), network: o.network });
  try {
    for (const p of o.publish) await w.publish(p.hostPort, p.guestPort, p.hostAddress);
  } catch (e) {
    if (e instanceof ProgramError || e instanceof BinfmtError) fail(e.message, e.exitCode);
    throw e;
  }
  return w;
}

// A process made ahead of its spawn when it needs ids other than root's (--user).
function configuredPid(w: Wasmux, o: Options): number | undefined {
  if (!o.user) return undefined;
  const pid = w.allocatePid();
  w.setIds(pid, o.user.uid, o.user.gid);
  return pid;
}

async function run(args: string[]): Promise<number> {
  const o = parseOptions('run', args);
  const program = o.rest[0];
  if (!program) fail(`run: no program given\n${usage}`);
  const w = await bootWith(o);
  const env: Record<string, string> = o.hostEnv
    ? Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined))
    : { PATH: '/bin:/usr/bin', HOME: '/home', TERM: process.env.TERM ?? 'xterm', LANG: process.env.LANG ?? 'C.UTF-8' };
  try {
    const argv = [o.argv0 ?? program, ...o.rest.slice(1)];
    const handle = w.spawn(path.resolve(program), argv, { env, cwd: workingDirectory(o, '/'), pid: configuredPid(w, o) });
    forwardSignals(w, handle.pid);
    return exitCodeOf(await handle.wait());
  } catch (e) {
    if (e instanceof ProgramError) fail(`${program}: ${e.message}`, e.exitCode);
    throw e;
  }
}

async function shell(args: string[]): Promise<number> {
  const o = parseOptions('sh', args);
  if (o.rootfs === false) fail('sh: the shell lives in the root filesystem image; drop --no-rootfs');
  if (o.rootfs === undefined && !fs.existsSync(defaultRootfsPath))
    fail(`sh: no root filesystem image at ${defaultRootfsPath} (scripts/setup.sh builds it)`);
  const w = await bootWith(o);
  const env: Record<string, string> = {
    PATH: '/bin:/usr/bin',
    HOME: '/root',
    USER: 'root',
    LOGNAME: 'root',
    SHELL: '/bin/sh',
    TERM: process.env.TERM ?? 'xterm',
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
  const handle = w.spawnGuest('/bin/sh', ['sh', ...o.rest], { env, cwd: workingDirectory(o, '/root'), pid: configuredPid(w, o) });
  forwardSignals(w, handle.pid);
  return exitCodeOf(await handle.wait());
}

function exitCodeOf(exit: { exitCode: number | null; signal: number | null }): number {
  return exit.exitCode ?? 128 + (exit.signal ?? 0);
}

// The signals a terminal or a supervisor sends to this command go on to the program's
// process group, as a terminal sends them to its foreground group: the program decides
// (it may catch or ignore them) and its exit status tells the rest.
function forwardSignals(w: Wasmux, pid: number): void {
  // SIGUSR2 is ours: the kernel's processes and threads on stderr, to see why one waits.
  process.on('SIGUSR2', () => w.dumpState());
  for (const name of ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM'] as const) {
    const sig = signal[name];
    process.on(name, () => {
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
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    if (command === undefined || command === 'sh') process.exit(await shell(rest));
    if (command === 'run') process.exit(await run(rest));
    if (command === 'binfmt') process.exit(binfmt(rest, usage));
    fail(`unknown command ${command}\n${usage}`);
  } catch (e) {
    if (e instanceof ProgramError || e instanceof BinfmtError) fail(e.message, e.exitCode);
    if (e instanceof Error) fail(e.message, 1);
    throw e;
  }
}

void main();
