// Real programs under bin/wasmux: output, arguments, environment, exit status, streams.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { program, run } from './helpers.mjs';

test('hello prints hello', async () => {
  const r = await run(['run', program('hello')]);
  assert.equal(r.stdout.toString(), 'hello\n');
  assert.equal(r.code, 0);
});

test('true and false give their exit statuses', async () => {
  assert.equal((await run(['run', program('true')])).code, 0);
  assert.equal((await run(['run', program('false')])).code, 1);
});

test('argv reaches main intact, spaces and all', async () => {
  const r = await run(['run', program('echo_args'), 'one', 'two words', '']);
  const lines = r.stdout.toString().split('\n');
  assert.equal(lines[0], 'argc=4');
  assert.equal(lines[2], 'argv[1]=one');
  assert.equal(lines[3], 'argv[2]=two words');
  assert.equal(lines[4], 'argv[3]=');
});

test('the environment is the one the host gives', async () => {
  const r = await run(['run', program('echo_args')]);
  assert.match(r.stdout.toString(), /^PATH=\/bin:\/usr\/bin$/m);
  assert.match(r.stdout.toString(), /^HOME=\/home$/m);
});

test('stdin streams to stdout through cat', async () => {
  const r = await run(['run', program('cat')], { input: 'a\nb\n' });
  assert.equal(r.stdout.toString(), 'a\nb\n');
  assert.equal(r.code, 0);
});

test('8 MiB of random bytes pass through cat unchanged', async () => {
  const data = crypto.randomBytes(8 << 20);
  const r = await run(['run', program('cat')], { input: data });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length, data.length);
  assert.ok(r.stdout.equals(data));
});

test('cat with an empty stdin exits at once', async () => {
  const r = await run(['run', program('cat')], { input: '' });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length, 0);
});

test('WASMUX_TRACE=1 prints syscalls strace-style on stderr', async () => {
  const r = await run(['run', program('hello')], { env: { WASMUX_TRACE: '1' } });
  assert.equal(r.stdout.toString(), 'hello\n');
  assert.match(r.stderr, /^\[\d+\] exit_group\(0\) = 0$/m);
  assert.match(r.stderr, /writev\(1, 0x[0-9a-f]+, \d\) = 6/);
});

test('WASMUX_TRACE=time starts each line with the seconds since boot, and traces fork', async () => {
  const r = await run(['sh', '-c', '(exit 0)'], { env: { WASMUX_TRACE: 'time' } });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^\[\d+\] \d+\.\d{6} exit_group\(0\) = 0$/m);
  assert.match(r.stderr, /^\[\d+\] \d+\.\d{6} fork\(\) = \d+$/m);
  const plain = await run(['run', program('hello')], { env: { WASMUX_TRACE: '1' } });
  assert.doesNotMatch(plain.stderr, /^\[\d+\] \d+\.\d{6} /m);
});

// A trap in guest code is death by the signal Linux would send; the shell convention
// 128 + signal is the CLI's exit status, and one line on stderr says what happened.
for (const [how, signal, name] of [['trap', 4, 'SIGILL'], ['wild', 11, 'SIGSEGV'], ['divide', 8, 'SIGFPE'], ['recurse', 11, 'SIGSEGV']]) {
  test(`a crashing program (${how}) dies by ${name}`, async () => {
    const r = await run(['run', program('crash'), how]);
    assert.equal(r.code, 128 + signal);
    assert.equal(r.stdout.toString(), `about to crash (${how})\n`);
    assert.match(r.stderr, /crashed: (RuntimeError|RangeError): /);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });
}

test('forks after a thread reuse the children\'s memories, and no child sees what an earlier one wrote', async () => {
  // The parent's memory is at its maximum once a thread ran: each child's memory is as
  // large, and is reused for the next child without being cleared (fork_memory.ts).
  const r = await run(['run', program('fork_after_threads'), '150']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.toString(), '150 forks, 0 bad\n');
  assert.equal(r.code, 0);
});
