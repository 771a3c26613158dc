// The root filesystem image (ports/: dash as /bin/sh, busybox's applets in /bin) and the
// shell the CLI starts on it: real command lines, their output and exit status.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { boot, ProgramError } from '../../host/dist/api.js';
import { program, root, run } from './helpers.mjs';

const image = path.join(root, 'build/rootfs.tar');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmux-shell-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const sh = (command, options) => run(['sh', '-c', command], options);

test('a command line: builtins, a pipeline, a subshell status, command substitution', async () => {
  const r = await sh('echo hi; seq 1 5 | grep 3; ls /bin | grep -x -e busybox -e dash -e sh; (exit 3); echo $?; echo $(echo sub)');
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), 'hi\n3\nbusybox\ndash\nsh\n3\nsub\n');
  assert.equal(r.code, 0);
});

test('the exit status of the shell is the exit status of wasmux', async () => {
  assert.equal((await sh('exit 7')).code, 7);
  assert.equal((await sh('false')).code, 1);
  const r = await sh('no-such-command');
  assert.equal(r.code, 127);
  assert.match(r.stderr, /no-such-command: not found/);
});

test('a file written by one command is read by others', async () => {
  const r = await sh('cd /tmp && printf "one\\ntwo\\n" > f.txt && cp f.txt g.txt && cat g.txt && wc -l < f.txt && rm f.txt && ls');
  assert.equal(r.stdout.toString(), 'one\ntwo\n2\ng.txt\n');
  assert.equal(r.code, 0);
});

test('a pipeline of three busybox applets', async () => {
  const r = await sh('seq 1 100 | grep 7 | wc -l');
  assert.equal(r.stdout.toString(), '19\n');
  const s = await sh("printf 'pear\\napple\\npear\\nfig\\n' | sort | uniq -c | sed 's/^ *//'");
  assert.equal(s.stdout.toString(), '1 apple\n1 fig\n2 pear\n');
});

test('the image: /bin/sh is dash, applets are symlinks to busybox, /etc and home', async () => {
  const r = await sh('for f in /bin/sh /bin/ls /usr/bin; do readlink $f; done; cat /etc/passwd | cut -d: -f1,6; id -un; pwd; echo $HOME');
  assert.equal(r.stdout.toString(), 'dash\nbusybox\n../bin\nroot:/root\nwww-data:/var/www\nnobody:/nonexistent\nroot\n/root\n/root\n');
});

test('text tools: awk, sed, tr, sort -n, xargs, find, expr, sha256sum', async () => {
  const r = await sh(
    "echo 'a 1\nb 22\nc 3' | awk '{s += $2} END {print s}'; echo hello | tr a-z A-Z | sed 's/L/l/g';" +
      " printf '10\\n9\\n100\\n' | sort -n | xargs echo; mkdir -p /tmp/d/e && touch /tmp/d/e/x && find /tmp/d -type f;" +
      ' expr 6 \\* 7; printf abc | sha256sum',
  );
  assert.equal(
    r.stdout.toString(),
    '26\nHEllO\n9 10 100\n/tmp/d/e/x\n42\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n',
  );
});

test('a #! script runs its interpreter, with its arguments', async () => {
  const r = await sh(
    "printf '#!/bin/sh\\necho \"$0 got $# args: $*\"\\n' > /tmp/s && chmod +x /tmp/s && /tmp/s a b;" +
      " printf '#!/usr/bin/env ash\\necho ash $((1 << 4))\\n' > /tmp/t && chmod +x /tmp/t && /tmp/t",
  );
  assert.equal(r.stdout.toString(), '/tmp/s got 2 args: a b\nash 16\n');
});

test('signals in the shells: kill, trap, wait, timeout, SIGPIPE', async () => {
  const r = await sh(
    'sleep 0.2 & wait $!; echo "waited $?"; sleep 5 & kill $!; wait $!; echo "killed $?";' +
      ' trap "echo got USR1" USR1; kill -USR1 $$; yes | head -2; timeout 0.2 sleep 5; echo "timeout $?";' +
      ' busybox ash -c \'trap "echo ash TERM" TERM; kill $$; sleep 0.1 & wait; echo "ash $?"\'',
  );
  assert.equal(r.stdout.toString(), 'waited 0\nkilled 143\ngot USR1\ny\ny\ntimeout 143\nash TERM\nash 0\n');
  assert.equal(r.code, 0);
});

test('command substitutions in ash with SIGCHLD handled: no output is ever lost', async () => {
  // ash catches SIGCHLD; each child's exit interrupts the parent's read of the child's
  // output. A delivery race once turned such a read's data into end of file.
  const r = await sh('ash -c \'trap "" USR1; n=0; i=0; while [ $i -lt 300 ]; do x=$(echo 7); [ "$x" = 7 ] && n=$((n+1)); i=$((i+1)); done; echo $n\'');
  assert.equal(r.stdout.toString(), '300\n');
  assert.equal(r.code, 0);
});

test('wasmux sh reads commands from stdin; so does wasmux with no arguments', async () => {
  let r = await run(['sh'], { input: 'x=20\necho $((x + 1))\ncd /etc && cat hostname\nexit 4\n' });
  assert.equal(r.stdout.toString(), '21\nwasmux\n');
  assert.equal(r.code, 4);
  r = await run([], { input: 'echo no-args\n' });
  assert.equal(r.stdout.toString(), 'no-args\n');
  assert.equal(r.code, 0);
});

test('a host directory mounted next to the image', async () => {
  fs.writeFileSync(path.join(tmp, 'in.txt'), 'from host\n');
  const r = await run(['sh', '--mount', `${tmp}:/data`, '-c', 'cat /data/in.txt; echo back > /data/out.txt']);
  assert.equal(r.stdout.toString(), 'from host\n');
  assert.equal(fs.readFileSync(path.join(tmp, 'out.txt'), 'utf8'), 'back\n');
});

test('run still takes host programs, with or without the image', async () => {
  for (const extra of [[], ['--no-rootfs'], ['--rootfs', image]]) {
    const r = await run(['run', ...extra, program('hello')]);
    assert.equal(r.code, 0, extra.join(' '));
    assert.match(r.stdout.toString(), /hello/i);
  }
});

function oneLine(stderr) {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /at .*\.js:\d+/);
  return lines[0];
}

test('a missing, corrupt or truncated image is a one-line error naming it', async () => {
  const missing = path.join(tmp, 'missing.tar');
  let r = await run(['sh', '--rootfs', missing, '-c', 'true']);
  assert.equal(r.code, 2);
  assert.equal(oneLine(r.stderr), `wasmux: root filesystem image ${missing}: no such file`);

  const garbage = path.join(tmp, 'garbage.tar');
  fs.writeFileSync(garbage, Buffer.alloc(4096, 0x41));
  r = await run(['sh', '--rootfs', garbage, '-c', 'true']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), new RegExp(`${garbage}: not a ustar archive`));

  const truncated = path.join(tmp, 'truncated.tar');
  fs.writeFileSync(truncated, fs.readFileSync(image).subarray(0, 100000));
  r = await run(['sh', '--rootfs', truncated, '-c', 'true']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /truncated/);

  const corrupt = path.join(tmp, 'corrupt.tar');
  const bytes = Buffer.from(fs.readFileSync(image));
  bytes[1024 + 10] ^= 0x20; // a name byte of a later header: its checksum no longer matches
  fs.writeFileSync(corrupt, bytes);
  r = await run(['run', '--rootfs', corrupt, program('hello')]);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /corrupt header at byte \d+/);

  r = await run(['sh', '--no-rootfs', '-c', 'true']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /drop --no-rootfs/);
});

test('API: spawnGuest runs a program of the image; an empty root has none', async () => {
  const w = await boot();
  after(() => w.shutdown());
  const chunks = [];
  const p = w.spawnGuest('/bin/sh', ['sh', '-c', 'echo $0 $1; read h < /etc/hostname; echo $h; exit 5', 'name', 'arg'], {
    stdio: { stdout: (d) => chunks.push(Buffer.from(d)) },
  });
  assert.equal((await p.wait()).exitCode, 5);
  assert.equal(Buffer.concat(chunks).toString(), 'name arg\nwasmux\n');

  // A child's output (cat runs in a process of its own, on another worker) is all there
  // when the parent's wait resolves: the host handles output and exits in the order they
  // happened, whichever worker they come from.
  for (let i = 0; i < 20; i++) {
    let text = '';
    const q = w.spawnGuest('/bin/sh', ['sh', '-c', 'cat /etc/hostname'], { stdio: { stdout: (d) => (text += Buffer.from(d)) } });
    assert.equal((await q.wait()).exitCode, 0);
    assert.equal(text, 'wasmux\n', `run ${i}`);
  }

  const empty = await boot({ rootfs: false });
  after(() => empty.shutdown());
  assert.throws(() => empty.spawnGuest('/bin/sh', ['sh']), (e) => e instanceof ProgramError && e.exitCode === 127 && /\/bin\/sh: No such file or directory/.test(e.message));
});

// A process forking in a loop, killed by SIGKILL again and again: a kill may land while
// its worker snapshots memory for a child, or just before the kernel makes the child. No
// child may be left behind (one never started, or one whose parent is gone and that init
// does not reap): /proc lists only the shell afterwards.
test('SIGKILL of a forking process leaves no process behind', async () => {
  const script = `
    i=0
    while [ $i -lt 30 ]; do
      sh -c 'while :; do (:); done' &
      p=$!
      sleep 0.1
      kill -9 $p
      wait $p
      i=$((i + 1))
    done
    sleep 0.5
    for d in /proc/[0-9]*; do
      [ "\${d#/proc/}" = $$ ] && continue
      while read -r k v; do case $k in State:|PPid:) printf '%s %s %s ' "$d" "$k" "$v";; esac; done < $d/status
      echo
    done
    echo end`;
  const r = await sh(script);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), 'end\n');
});
