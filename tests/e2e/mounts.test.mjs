// Host directories appear only where mounted, and cannot be escaped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { program, run } from './helpers.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmux-mount-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const shared = path.join(tmp, 'shared');
fs.mkdirSync(shared);
fs.writeFileSync(path.join(shared, 'greeting.txt'), 'hello from the host\n');
fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the mount\n');
fs.symlinkSync('../secret.txt', path.join(shared, 'escape-relative'));
fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(shared, 'escape-absolute'));

test('a host-mounted file is readable inside', async () => {
  const r = await run(['run', '--mount', `${shared}:/mnt/host`, program('cat'), '/mnt/host/greeting.txt']);
  assert.equal(r.stdout.toString(), 'hello from the host\n');
  assert.equal(r.code, 0);
});

test('without --mount the host directory is not there', async () => {
  const r = await run(['run', program('cat'), path.join(shared, 'greeting.txt')]);
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout.length, 0);
});

test('.. at the mount root does not reach the host parent', async () => {
  const r = await run(['run', '--mount', `${shared}:/mnt/host`, program('cat'), '/mnt/host/../secret.txt']);
  assert.notEqual(r.code, 0);
  assert.doesNotMatch(r.stdout.toString(), /outside the mount/);
});

test('symlinks on the host resolve inside the guest, not on the host', async () => {
  for (const link of ['escape-relative', 'escape-absolute']) {
    const r = await run(['run', '--mount', `${shared}:/mnt/host`, program('cat'), `/mnt/host/${link}`]);
    assert.notEqual(r.code, 0, link);
    assert.doesNotMatch(r.stdout.toString(), /outside the mount/, link);
  }
});

test('a mount of a missing host directory is a clear error', async () => {
  const r = await run(['run', '--mount', `${path.join(tmp, 'missing')}:/mnt`, program('hello')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /missing/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});

test('a listing of a host directory returns each file once while files are created', async () => {
  const dir = path.join(tmp, 'growing');
  fs.mkdirSync(dir);
  const r = await run(['run', '--mount', `${dir}:/mnt/d`, program('readdir_growing'), '/mnt/d']);
  assert.match(r.stdout.toString(), /^ok after \d+ calls\n$/);
  assert.equal(r.code, 0);
});

test('file names that are not UTF-8 reach the host unchanged', async () => {
  const dir = path.join(tmp, 'bytes');
  fs.mkdirSync(dir);
  const r = await run(['sh', '--mount', `${dir}:/mnt/d`, '-c',
    'cd /mnt/d && : >"$(printf "uni\\201code")" && ln -s "$(printf "t\\202")" link && for f in uni?code; do printf "%s|" "$f"; done; readlink link']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout, Buffer.from('uni\x81code|t\x82\n', 'latin1'));
  const names = fs.readdirSync(dir, { encoding: 'buffer' }).map((b) => b.toString('latin1')).sort();
  assert.deepEqual(names, ['link', 'uni\x81code']);
  assert.deepEqual(fs.readlinkSync(path.join(dir, 'link'), { encoding: 'buffer' }), Buffer.from('t\x82', 'latin1'));
});

test('--mount DIR shows DIR at its own path, and the program starts where the host is', async () => {
  const real = fs.realpathSync(shared);
  let r = await run(['sh', '--mount', '.', '-c', 'pwd; cat greeting.txt'], { cwd: shared });
  assert.equal(r.stdout.toString(), `${real}\nhello from the host\n`);
  assert.equal(r.code, 0);
  // A mount that holds the current directory further up: the same path below it.
  fs.mkdirSync(path.join(shared, 'below'), { recursive: true });
  r = await run(['run', '--mount', tmp, program('cat'), '../greeting.txt'], { cwd: path.join(shared, 'below') });
  assert.equal(r.stdout.toString(), 'hello from the host\n');
  // Not under any mount: / for run, /root for sh.
  r = await run(['sh', '-c', 'pwd'], { cwd: shared });
  assert.equal(r.stdout.toString(), '/root\n');
});

test('--cwd sets the working directory inside', async () => {
  const r = await run(['sh', '--mount', `${shared}:/mnt/host`, '--cwd', '/mnt/host', '-c', 'pwd; cat greeting.txt']);
  assert.equal(r.stdout.toString(), '/mnt/host\nhello from the host\n');
  assert.equal(r.code, 0);
});

test('a host FIFO in a mount is refused at once (ENXIO), never a host open that blocks', async () => {
  const dir = path.join(tmp, 'fifo');
  fs.mkdirSync(dir);
  execFileSync('mkfifo', [path.join(dir, 'f')]);
  const r = await run(['run', '--mount', `${dir}:/mnt/d`, program('cat'), '/mnt/d/f']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /No such device or address/);
});

// Host mounts show the host's owners; what a guest user creates there is that user's where
// the host can give files away (as root), and the host user's otherwise.
test('--user: a host mount checks and keeps owners', async () => {
  const dir = path.join(tmp, 'owned');
  fs.mkdirSync(dir);
  const asRoot = process.getuid() === 0;
  if (asRoot) fs.chownSync(dir, 4242, 4243);
  const uid = asRoot ? 4242 : process.getuid();
  const gid = asRoot ? 4243 : process.getgid();
  const r = await run(['sh', '--mount', `${dir}:/d`, '--user', `${uid}:${gid}`, '-c',
    'id -u; touch /d/made && mkdir /d/sub && stat -c "%u:%g" /d /d/made /d/sub; touch /etc/nope']);
  assert.equal(r.stdout.toString(), `${uid}\n${uid}:${gid}\n${uid}:${gid}\n${uid}:${gid}\n`);
  assert.equal(r.stderr, "touch: /etc/nope: Permission denied\n");
  assert.equal(r.code, 1);
  for (const name of ['made', 'sub']) {
    const st = fs.statSync(path.join(dir, name));
    assert.deepEqual([st.uid, st.gid], [uid, gid]);
  }
  const bad = await run(['sh', '--user', 'nobody', '-c', 'true']);
  assert.equal(bad.stderr, 'wasmux: --user nobody: expected UID or UID:GID (numbers)\n');
  assert.equal(bad.code, 2);
});

// An open host file is one description whoever uses it: a forked child writing through an
// inherited descriptor (its own worker, its own kernel instance) and the parent after it.
test('a host file descriptor inherited across fork keeps working', async () => {
  const dir = path.join(tmp, 'inherited');
  fs.mkdirSync(dir);
  const r = await run(['sh', '--mount', `${dir}:/d`, '-c', 'exec 3>/d/out; (echo child >&3); echo parent >&3; cat /d/out']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), 'child\nparent\n');
  assert.equal(fs.readFileSync(path.join(dir, 'out'), 'utf8'), 'child\nparent\n');
});

// Times set on a host file keep their nanoseconds (the host call once took ns / 1e9 as one
// double, about 256 ns off at present-day times): touch -r copies a reference's exactly.
test('touch -r on a host mount copies the nanoseconds', async () => {
  const dir = path.join(tmp, 'times');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'ref'), '');
  fs.writeFileSync(path.join(dir, 'f'), '');
  fs.utimesSync(path.join(dir, 'ref'), 1291404900.25, 1291404900.25);
  const r = await run(['sh', '--mount', `${dir}:/d`, '-c', 'touch -r /d/ref /d/f']);
  assert.equal(r.stderr, '');
  const ref = fs.statSync(path.join(dir, 'ref'), { bigint: true });
  const f = fs.statSync(path.join(dir, 'f'), { bigint: true });
  assert.equal(f.mtimeNs, ref.mtimeNs);
  assert.equal(f.atimeNs, ref.atimeNs);
});

// A time before 1970 reaches the host file as it is (Node's own call takes a negative
// number of seconds for "now").
test('touch -d with a date before 1970 on a host mount', async () => {
  const dir = path.join(tmp, 'old-times');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'f'), '');
  const r = await run(['sh', '--mount', `${dir}:/d`, '-c', "touch -d '1969-07-20 20:17:40' /d/f && date -r /d/f +%s"]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), '-14182940\n');
  assert.equal(fs.statSync(path.join(dir, 'f')).mtimeMs, -14182940000);
});

// An open host file keeps its host descriptor: replaced on the host by a rename, it still
// reads what was opened, as a Linux descriptor does. The guest says when it holds the file
// and waits (bounded) for the host to replace it.
test('a held host file reads what was opened after the host replaces it', async () => {
  const dir = path.join(tmp, 'held');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'f'), 'opened\n');
  const guest = run(['sh', '--mount', `${dir}:/d`, '-c',
    'exec 3</d/f; touch /d/ready; n=0; while [ ! -e /d/go ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n+1)); done; cat <&3; cat /d/f']);
  for (let i = 0; i < 400 && !fs.existsSync(path.join(dir, 'ready')); i++) await new Promise((r) => setTimeout(r, 25));
  fs.writeFileSync(path.join(dir, 'new'), 'replaced\n');
  fs.renameSync(path.join(dir, 'new'), path.join(dir, 'f'));
  fs.writeFileSync(path.join(dir, 'go'), '');
  const r = await guest;
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), 'opened\nreplaced\n');
});
