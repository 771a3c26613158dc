// Bad input gives a clear one-line error and a nonzero status, never a stack trace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { program, run } from './helpers.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmux-e2e-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function oneLine(stderr) {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /at .*\.js:\d+/);
  return lines[0];
}

// A minimal module: the wasmux.abi custom section with the given version and a shared
// memory import, nothing else.
function moduleWithAbi(version) {
  const name = Buffer.from('wasmux.abi');
  const payload = Buffer.alloc(4);
  payload.writeUInt32LE(version);
  const custom = Buffer.concat([Buffer.from([name.length]), name, payload]);
  const imp = Buffer.from([1, 3, ...Buffer.from('env'), 6, ...Buffer.from('memory'), 2, 3, 1, 1]);
  return Buffer.concat([
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    Buffer.from([0, custom.length]), custom,
    Buffer.from([2, imp.length]), imp,
  ]);
}

// [start, end) of the payload of the first section with this id.
function sectionRange(bytes, wanted) {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++];
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (id === wanted) return { start: p, end: p + size };
    p += size;
  }
  throw new Error(`no section ${wanted}`);
}

test('a missing program: No such file or directory, status 127', async () => {
  const r = await run(['run', path.join(tmp, 'nope.wasm')]);
  assert.equal(r.code, 127);
  assert.match(oneLine(r.stderr), /^wasmux: .*nope\.wasm: No such file or directory$/);
});

test('a text file: not a WebAssembly module, status 126', async () => {
  const f = path.join(tmp, 'text.wasm');
  fs.writeFileSync(f, 'echo hello\n');
  const r = await run(['run', f]);
  assert.equal(r.code, 126);
  assert.match(oneLine(r.stderr), /not a WebAssembly module$/);
});

test('a truncated module is refused clearly', async () => {
  const f = path.join(tmp, 'trunc.wasm');
  fs.writeFileSync(f, fs.readFileSync(program('hello')).subarray(0, 200));
  const r = await run(['run', f]);
  assert.equal(r.code, 126);
  assert.match(oneLine(r.stderr), /truncated or malformed WebAssembly module$/);
});

test('a corrupted function body is refused clearly', async () => {
  const f = path.join(tmp, 'corrupt.wasm');
  const bytes = Buffer.from(fs.readFileSync(program('hello')));
  const code = sectionRange(bytes, 10);
  for (let i = code.start + 10; i < Math.min(code.end, code.start + 110); i++) bytes[i] = 0xff;
  fs.writeFileSync(f, bytes);
  const r = await run(['run', f]);
  assert.notEqual(r.code, 0);
  oneLine(r.stderr);
});

test('a module for another ABI version is refused', async () => {
  const f = path.join(tmp, 'abi99.wasm');
  fs.writeFileSync(f, moduleWithAbi(99));
  const r = await run(['run', f]);
  assert.equal(r.code, 126);
  assert.match(oneLine(r.stderr), /built for wasmux ABI 99, this kernel runs ABI 1$/);
});

test('a wasm file not built for wasmux is refused', async () => {
  const f = path.join(tmp, 'plain.wasm');
  fs.writeFileSync(f, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  const r = await run(['run', f]);
  assert.equal(r.code, 126);
  assert.match(oneLine(r.stderr), /not a wasmux program/);
});

test('unknown options and commands are usage errors', async () => {
  let r = await run(['run', '--bogus', program('hello')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option --bogus/);
  r = await run(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command frobnicate/);
  r = await run(['run', '--mount', ':/x', program('hello')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected HOSTDIR:GUESTDIR/);
  r = await run(['run', '--cwd', 'relative', program('hello')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--cwd relative: give an absolute path/);
});

test('a bad mount or working directory is one line naming it', async () => {
  let r = await run(['run', '--mount', '/nonexistent-wasmux-dir:/x', program('hello')]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'wasmux: cannot mount /nonexistent-wasmux-dir: no such directory\n');
  r = await run(['run', '--mount', `${program('hello')}:/x`, program('hello')]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `wasmux: cannot mount ${program('hello')}: not a directory\n`);
  r = await run(['run', '--cwd', '/nonexistent', program('hello')]);
  assert.equal(r.code, 127);
  assert.equal(r.stderr, `wasmux: ${program('hello')}: working directory /nonexistent: No such file or directory\n`);
});

test('--help prints usage and succeeds', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.toString(), /usage: wasmux run/);
});
