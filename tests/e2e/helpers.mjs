// Shared helpers of the end-to-end tests: run bin/wasmux as a user would.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(new URL('.', import.meta.url).pathname, '../..');
export const programs = path.join(root, 'build/programs');
export const wasmux = path.join(root, 'bin/wasmux');

// Runs bin/wasmux with args; input (string/Buffer) goes to its stdin.
export function run(args, { input, env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(wasmux, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {}); // the program may exit before reading everything
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export const program = (name) => path.join(programs, `${name}.wasm`);
