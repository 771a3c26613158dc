// The root filesystem image (build/rootfs.tar, made by ports/build.sh): a ustar archive
// whose directories, files and symlinks the host creates in the kernel's root tmpfs at boot,
// one kernel call per entry (DESIGN §5).
import fs from 'node:fs';
import type { KernelThread } from './kernel/kernel_instance.js';
import { errnoInfo } from './generated/abi.js';
import { ProgramError } from './program_error.js';

export type ImageEntry =
  | { kind: 'directory'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; data: Uint8Array }
  | { kind: 'symlink'; path: string; target: string };

export class ImageError extends Error {}

const BLOCK = 512;
const decoder = new TextDecoder();

function text(header: Uint8Array, at: number, length: number): string {
  const field = header.subarray(at, at + length);
  const nul = field.indexOf(0);
  return decoder.decode(nul < 0 ? field : field.subarray(0, nul));
}

// Numeric fields are octal text, NUL- or space-terminated (POSIX pax, "ustar Interchange
// Format"). GNU's base-256 form (first byte 0x80) only appears past 8 GiB: refused.
function octal(header: Uint8Array, at: number, length: number, what: string, offset: number): number {
  const s = text(header, at, length).trim();
  if (!/^[0-7]*$/.test(s) || header[at]! & 0x80) throw new ImageError(`bad ${what} field in the header at byte ${offset}`);
  return s === '' ? 0 : parseInt(s, 8);
}

// The archive's member path made relative to the root: "./bin/ls" and "/bin/ls" are
// "bin/ls"; the root itself is ""; ".." anywhere is refused (it would leave the root).
function memberPath(raw: string, offset: number): string {
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ImageError(`entry "${raw}" at byte ${offset} leaves the root`);
  return parts.join('/');
}

// Every entry of a ustar archive, in archive order (parents come before their children in
// archives written by tar -c). Throws ImageError on anything malformed.
export function* readUstar(bytes: Uint8Array): Generator<ImageEntry> {
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > bytes.length) throw new ImageError(`truncated at byte ${offset} (no end-of-archive marker)`);
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return; // the end-of-archive marker
    const magic = text(header, 257, 6);
    if (magic !== 'ustar' && magic !== 'ustar ') throw new ImageError(`not a ustar archive (no ustar header at byte ${offset})`);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (sum !== octal(header, 148, 8, 'checksum', offset)) throw new ImageError(`corrupt header at byte ${offset} (checksum mismatch)`);
    const name = text(header, 0, 100);
    // POSIX ustar's name prefix; old GNU archives ("ustar " magic) keep times there instead.
    const prefix = magic === 'ustar' ? text(header, 345, 155) : '';
    const raw = prefix ? `${prefix}/${name}` : name;
    const path = memberPath(raw, offset);
    const mode = octal(header, 100, 8, 'mode', offset) & 0o7777;
    const size = octal(header, 124, 12, 'size', offset);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) throw new ImageError(`"${raw}" is truncated (${size} bytes announced at byte ${offset})`);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (path === '') continue; // the root directory itself: the kernel made it
    switch (type) {
      case '0':
      case '\0':
      case '7': // contiguous file: a regular file everywhere but a few old systems
        yield { kind: 'file', path, mode, data: bytes.subarray(dataStart, dataStart + size) };
        break;
      case '5':
        yield { kind: 'directory', path, mode };
        break;
      case '2':
        yield { kind: 'symlink', path, target: text(header, 157, 100) };
        break;
      default:
        throw new ImageError(`"${raw}": unsupported entry type '${type === '\0' ? '\\0' : type}' (only files, directories and symlinks; write it with tar --format=ustar)`);
    }
  }
}


// Reads the image at file and creates its entries in the kernel's root file system.
export function loadRootfsImage(kernel: KernelThread, file: string): void {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code})`;
    throw new ProgramError(`root filesystem image ${file}: ${why}`, 2);
  }
  const k = kernel.exports;
  try {
    for (const entry of readUstar(bytes)) {
      const p = kernel.allocString(`/${entry.path}`);
      let r: number;
      if (entry.kind === 'directory') {
        r = k.wasmux_make_directory(p, entry.mode);
      } else if (entry.kind === 'symlink') {
        const t = kernel.allocString(entry.target);
        r = k.wasmux_make_symlink(p, t);
        k.wasmux_free(t);
      } else {
        const d = kernel.allocBytes(entry.data);
        r = k.wasmux_write_file(p, d, entry.data.length, entry.mode);
        k.wasmux_free(d);
      }
      k.wasmux_free(p);
      if (r < 0) throw new ImageError(`cannot create /${entry.path}: ${errnoInfo[-r]?.[0] ?? `errno ${-r}`}`);
    }
  } catch (e) {
    if (e instanceof ImageError) throw new ProgramError(`root filesystem image ${file}: ${e.message}`, 2);
    throw e;
  }
}
