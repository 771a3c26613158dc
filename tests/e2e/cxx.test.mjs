// C++ guests: programs of tests/programs/*.cpp built natively by g++ and for wasmux by
// bin/wasmux-c++ (libc++, libc++abi, libunwind from libcxx/build.sh) print exactly the same.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { root, run } from './helpers.mjs';

const exec = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmux-cxx-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const source = (name) => path.join(root, 'tests/programs', `${name}.cpp`);
const flags = ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Werror'];

// Native: g++ and libstdc++. wasmux: compiled with -O2 -c, linked separately (as
// tests/programs/build.sh does: a link step never gets -O).
async function buildBoth(name) {
  const native = path.join(tmp, `${name}.native`);
  const object = path.join(tmp, `${name}.o`);
  const wasm = path.join(tmp, `${name}.wasm`);
  await exec('g++', [...flags, '-pthread', source(name), '-o', native]);
  const cxx = path.join(root, 'bin/wasmux-c++');
  await exec(cxx, [...flags, '-c', source(name), '-o', object]);
  await exec(cxx, [object, '-o', wasm]);
  return { native, wasm };
}

function runNative(file) {
  return new Promise((resolve) => {
    execFile(file, [], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

async function sameOnBothSides(name) {
  const { native, wasm } = await buildBoth(name);
  const want = await runNative(native);
  assert.equal(want.code, 0, `native ${name} failed: ${want.stderr}`);
  const got = await run(['run', wasm], { env: { WASMUX_TRACE: 'enosys' } });
  assert.equal(got.stderr, '', 'no crash, no unimplemented system call');
  assert.equal(got.stdout.toString(), want.stdout);
  assert.equal(got.code, 0);
  return want.stdout;
}

test('cxx_demo: iostream, containers, static constructors, RTTI, exceptions, threads', async () => {
  const out = await sameOnBothSides('cxx_demo');
  // The demo really got that far, on both sides.
  assert.match(out, /^static constructors: first second, computed 42$/m);
  assert.match(out, /^caught by base class: too deep: 3, code 3, unwound level3 level2 level1$/m);
  assert.match(out, /^rethrown from a thread: too deep: 7, code 7$/m);
  assert.match(out, /^threads: counter 4000, consumed 200 items summing to 20100, thread_local destructors 4$/m);
  assert.match(out, /\ndone\n$/);
});

test('cxx_fork: fork in a C++ program with exceptions on both sides of it', async () => {
  const out = await sameOnBothSides('cxx_fork');
  assert.match(out, /^parent: child exited 3, then caught: parent threw$/m);
});

test('cxx_uncaught: an exception nobody catches ends the program by SIGABRT', async () => {
  const { native, wasm } = await buildBoth('cxx_uncaught');
  const want = await new Promise((resolve) =>
    execFile(native, [], { encoding: 'utf8' }, (error, stdout) => resolve({ signal: error?.signal, stdout })));
  assert.equal(want.signal, 'SIGABRT');
  const got = await run(['run', wasm]);
  assert.equal(got.stdout.toString(), want.stdout);
  assert.equal(got.code, 128 + 6); // bin/wasmux exits 128 + the signal that ended its program
  assert.match(got.stderr, /an exception nobody caught \(std::terminate\)/);
});
