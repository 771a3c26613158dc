// The host side of hostfs mounts (Node): the kernel names files by mount id and a path
// relative to the mount root. Paths are checked again here (defence in depth): no empty,
// "." or ".." component, and no symlink followed on the host (lstat, O_NOFOLLOW), so a
// mount cannot be escaped.
import fs from 'node:fs';
import os from 'node:os';
import { dirent, errno, open } from '../generated/abi.js';
import { faultsInjected, injectedFault } from '../faults.js';

export type HostMounts = Record<number, string>; // mount id → absolute host directory

const { ENOENT, EINVAL } = errno;

function errnoOf(e: unknown): number {
  const err = e as NodeJS.ErrnoException;
  const n = err.code ? (os.constants.errno as Record<string, number>)[err.code] : undefined;
  return -(n ?? EINVAL);
}

// Linux generic open flag bits the kernel passes (abi/definitions.mjs).
const { O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC } = open;

// The DT_* value of a directory entry.
type EntryKind = Pick<
  fs.Dirent,
  'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'
>;
function direntType(e: EntryKind): number {
  if (e.isFile()) return dirent.DT_REG;
  if (e.isDirectory()) return dirent.DT_DIR;
  if (e.isSymbolicLink()) return dirent.DT_LNK;
  if (e.isFIFO()) return dirent.DT_FIFO;
  if (e.isSocket()) return dirent.DT_SOCK;
  if (e.isCharacterDevice()) return dirent.DT_CHR;
  if (e.isBlockDevice()) return dirent.DT_BLK;
  return dirent.DT_UNKNOWN;
}

// user(end): the calling thread's process memory when it reaches `end` (else undefined).
export function hostFsImports(
  mounts: HostMounts,
  kernel: () => Uint8Array,
  user: (end: number) => Uint8Array | undefined,
): Record<string, (...args: never[]) => unknown> {

  // Guest names are bytes, not necessarily UTF-8: the host path is built as a Buffer so that
  // a name like "uni\x81code" reaches the host file system unchanged.
  const slash = 0x2f;
  const hostPath = (mount: number, ptr: number, len: number): Buffer => {
    const root = mounts[mount];
    if (root === undefined) throw Object.assign(new Error('no such mount'), { code: 'ENOENT' });
    const rel = Buffer.from(kernel().slice(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
    if (rel.length === 0) return Buffer.from(root);
    for (let start = 0; start <= rel.length; ) {
      let end = rel.indexOf(slash, start);
      if (end < 0) end = rel.length;
      const n = end - start;
      if (n === 0 || (rel[start] === 0x2e && (n === 1 || (n === 2 && rel[start + 1] === 0x2e))))
        throw Object.assign(new Error('bad path'), { code: 'EACCES' });
      start = end + 1;
    }
    return Buffer.concat([Buffer.from(root.endsWith('/') ? root : root + '/'), rel]);
  };
  // op: the operation's name, for WASMUX_FAULTS (faults.ts).
  const guard = (op: string, f: () => number): number => {
    const injected = faultsInjected ? injectedFault(op) : 0;
    if (injected) return -injected;
    try {
      return f();
    } catch (e) {
      return errnoOf(e);
    }
  };
  const putSized = (bytes: Uint8Array, out: number, cap: number): number => {
    if (bytes.length <= cap >>> 0) kernel().set(bytes, out >>> 0);
    return bytes.length;
  };

  return {
    fs_stat: (mount: number, p: number, len: number, out: number): number =>
      guard('fs_stat', () => {
        const st = fs.lstatSync(hostPath(mount, p, len), { bigint: true });
        const view = new DataView(kernel().buffer, out >>> 0, 56);
        view.setUint32(0, Number(st.mode), true);
        view.setUint32(4, Number(st.nlink), true);
        view.setBigUint64(8, st.size, true);
        view.setBigUint64(16, st.ino, true);
        view.setBigInt64(24, st.atimeNs, true);
        view.setBigInt64(32, st.mtimeNs, true);
        view.setBigInt64(40, st.ctimeNs, true);
        view.setUint32(48, Number(st.uid), true);
        view.setUint32(52, Number(st.gid), true);
        return 0;
      }),
    fs_open: (mount: number, p: number, len: number, flags: number, mode: number): number =>
      guard('fs_open', () => {
        const c = fs.constants;
        const acc = flags & O_ACCMODE;
        let f = (acc === 0 ? c.O_RDONLY : acc === 1 ? c.O_WRONLY : c.O_RDWR) | c.O_NOFOLLOW;
        if (flags & O_CREAT) f |= c.O_CREAT;
        if (flags & O_EXCL) f |= c.O_EXCL;
        if (flags & O_TRUNC) f |= c.O_TRUNC;
        // The handle is the host descriptor itself: an open file's handle is used by every
        // kernel instance (a forked child's worker, another thread's), and a descriptor is
        // the Node process's, whichever thread opened it.
        return fs.openSync(hostPath(mount, p, len), f, mode);
      }),
    fs_close: (h: number): void => {
      try {
        fs.closeSync(h);
      } catch {
        // already gone: nothing to release
      }
    },
    fs_pread: (h: number, dst: number, len: number, offset: bigint): bigint =>
      BigInt(guard('fs_pread', () => fs.readSync(h, kernel(), dst >>> 0, len >>> 0, offset))),
    fs_pwrite: (h: number, src: number, len: number, offset: bigint): bigint =>
      BigInt(guard('fs_pwrite', () => fs.writeSync(h, kernel(), src >>> 0, len >>> 0, Number(offset)))),
    // Straight into and out of the process's memory (kernel/host/host_port.h host_pread_user).
    fs_pread_user: (h: number, dst: number, len: number, offset: bigint): bigint =>
      BigInt(guard('fs_pread', () => {
        const mem = user((dst >>> 0) + (len >>> 0));
        return mem ? fs.readSync(h, mem, dst >>> 0, len >>> 0, offset) : -errno.EFAULT;
      })),
    fs_pwrite_user: (h: number, src: number, len: number, offset: bigint): bigint =>
      BigInt(guard('fs_pwrite', () => {
        const mem = user((src >>> 0) + (len >>> 0));
        return mem ? fs.writeSync(h, mem, src >>> 0, len >>> 0, Number(offset)) : -errno.EFAULT;
      })),
    fs_ftruncate: (h: number, length: bigint): number =>
      guard('fs_ftruncate', () => {
        fs.ftruncateSync(h, Number(length));
        return 0;
      }),
    fs_fsync: (h: number): number =>
      guard('fs_fsync', () => {
        fs.fsyncSync(h);
        return 0;
      }),
    fs_readdir: (mount: number, p: number, len: number, out: number, cap: number): number =>
      guard('fs_readdir', () => {
        const entries = fs.readdirSync(hostPath(mount, p, len), { encoding: 'buffer', withFileTypes: true });
        // Each entry: its DT_* type byte, its name, '\0' (kernel/host/host_port.h).
        const records = entries.flatMap((e) => [Buffer.of(direntType(e)), e.name, Buffer.of(0)]);
        return putSized(Buffer.concat(records), out, cap);
      }),
    fs_mkdir: (mount: number, p: number, len: number, mode: number): number =>
      guard('fs_mkdir', () => {
        fs.mkdirSync(hostPath(mount, p, len), { mode });
        return 0;
      }),
    fs_unlink: (mount: number, p: number, len: number, directory: number): number =>
      guard('fs_unlink', () => {
        const target = hostPath(mount, p, len);
        if (directory) fs.rmdirSync(target);
        else fs.unlinkSync(target);
        return 0;
      }),
    fs_rename: (mount: number, a: number, alen: number, b: number, blen: number): number =>
      guard('fs_rename', () => {
        fs.renameSync(hostPath(mount, a, alen), hostPath(mount, b, blen));
        return 0;
      }),
    fs_symlink: (mount: number, t: number, tlen: number, p: number, len: number): number =>
      guard('fs_symlink', () => {
        const target = Buffer.from(kernel().slice(t >>> 0, (t >>> 0) + (tlen >>> 0)));
        fs.symlinkSync(target, hostPath(mount, p, len));
        return 0;
      }),
    fs_readlink: (mount: number, p: number, len: number, out: number, cap: number): number =>
      guard('fs_readlink', () => putSized(fs.readlinkSync(hostPath(mount, p, len), { encoding: 'buffer' }), out, cap)),
    fs_link: (mount: number, a: number, alen: number, b: number, blen: number): number =>
      guard('fs_link', () => {
        fs.linkSync(hostPath(mount, a, alen), hostPath(mount, b, blen));
        return 0;
      }),
    // Only a host running as root can give a file away; otherwise its user owns all it
    // makes, and the guest's chown changes nothing there (host_port.h host_chown).
    fs_chown: (mount: number, p: number, len: number, uid: number, gid: number): number =>
      guard('fs_chown', () => {
        if (process.geteuid?.() !== 0) return 0;
        fs.lchownSync(hostPath(mount, p, len), uid | 0, gid | 0); // 0xffffffff: -1, "keep it"
        return 0;
      }),
    fs_chmod: (mount: number, p: number, len: number, mode: number): number =>
      guard('fs_chmod', () => {
        const target = hostPath(mount, p, len);
        if (fs.lstatSync(target).isSymbolicLink()) return -ENOENT;
        fs.chmodSync(target, mode);
        return 0;
      }),
    fs_utimens: (mount: number, p: number, len: number, atime: bigint, mtime: bigint): number =>
      guard('fs_utimens', () => {
        const target = hostPath(mount, p, len);
        const st = fs.lstatSync(target, { bigint: true });
        // The kernel's "leave it alone" (vfs/inode.h Inode::time_omit): the smallest i64.
        const omit = -(1n << 63n);
        const a = atime === omit ? st.atimeNs : atime;
        const m = mtime === omit ? st.mtimeNs : mtime;
        // Whole seconds and the fraction apart: Number(ns) / 1e9 rounds a present-day time
        // to about 256 ns before the division (a double holds 53 bits).
        // As strings: Node takes a negative number of seconds (a time before 1970) for "now"
        // (fs/utils toUnixTimestamp), a numeric string as it is. libuv cuts the fraction to
        // whole nanoseconds (towards zero): half a nanosecond further from zero makes that
        // the nearest one, exact wherever a double tells nanoseconds apart (some months
        // around 1970; a present-day time keeps about 240 ns).
        const seconds = (ns: bigint) =>
          String(Number(ns / 1000000000n) + (Number(ns % 1000000000n) + (ns < 0n ? -0.5 : 0.5)) / 1e9);
        fs.lutimesSync(target, seconds(a), seconds(m));
        return 0;
      }),
    // kernel/host/host_port.h HostStatfs: seven u64 words.
    fs_statfs: (mount: number, p: number, len: number, out: number): number =>
      guard('fs_statfs', () => {
        const st = fs.statfsSync(hostPath(mount, p, len), { bigint: true });
        const view = new DataView(kernel().buffer, out >>> 0, 56);
        [st.type, st.bsize, st.blocks, st.bfree, st.bavail, st.files, st.ffree].forEach((v, i) => view.setBigUint64(8 * i, BigInt(v), true));
        return 0;
      }),
  };
}
