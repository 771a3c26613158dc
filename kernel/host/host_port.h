#pragma once
// The HostPort: the kernel's only way out (DESIGN §3). The wasm build implements it with
// imports bound per kernel instance (host/wasm_host_port.cpp); tests use a fake.
//
// "User" calls act on the memory of the process whose thread is running this kernel
// instance. All user addresses are bounds-checked by the implementation.
#include "../base/result.h"
#include "../base/types.h"
#include "../base/vector.h"
#include "../exec/wasm_image.h"

namespace wasmux {

// What the host knows about a file in a host-directory mount.
struct HostStat {
  u32 mode;  // S_IF* | permission bits
  u32 nlink;
  u64 size;
  u64 ino;
  i64 atime_ns;
  i64 mtime_ns;
  i64 ctime_ns;
  u32 uid; // the host's owner and group: host ids are the guest's ids
  u32 gid;
};

// The identity of a program file as the host's compiled-module cache needs it: the same
// key means the same bytes (the inode object and number, its times and size), so a host
// that compiled the image once need not even see the bytes again (DESIGN §4).
struct ProgramKey {
  u64 words[5];
};

// What the host knows about the file system of a host-directory mount (statfs(2)).
struct HostStatfs {
  u64 type, bsize, blocks, bfree, bavail, files, ffree;
};

// User addresses below this fault, as the unmapped zero page does on Linux: wasm memory
// starts at address 0, but NULL must stay an invalid pointer (EFAULT, not a read of the
// stack's far end).
inline constexpr UserAddr user_null_guard = 4096;

class HostPort {
public:
  virtual ~HostPort() = default;

  // ---- the calling process's memory ----
  // false when [uaddr, uaddr+len) is outside the process's memory.
  virtual bool copy_from_user(void* dst, UserAddr src, usize len) = 0;
  virtual bool copy_to_user(UserAddr dst, const void* src, usize len) = 0;
  virtual bool fill_user(UserAddr dst, u8 byte, usize len) = 0;
  // Length of the NUL-terminated string at uaddr, at most max; -1 when it runs off memory.
  virtual i64 user_strnlen(UserAddr src, usize max) = 0;
  virtual u64 user_memory_size() = 0;
  // Atomic compare-and-exchange of the aligned 32-bit word at addr, as the guest's own
  // atomics see it (futexes the kernel changes while guest threads run): the old value.
  virtual Result<u32> user_compare_exchange(UserAddr addr, u32 expected, u32 desired) = 0;
  // Grows the process's memory by pages of 64 KiB; false when it can't.
  virtual bool user_memory_grow(u32 pages) = 0;

  // ---- time and randomness ----
  virtual i64 realtime_ns() = 0;
  virtual i64 monotonic_ns() = 0;
  virtual i64 thread_cputime_ns() = 0;
  virtual void random_bytes(void* dst, usize len) = 0;

  // ---- the host's standard streams (called without the big lock) ----
  // Writes from user memory to the host's fd 1 or 2 (or an embedder's channel): bytes written.
  virtual Result<usize> stdio_write_user(i32 host_fd, UserAddr src, usize len) = 0;
  // The same from kernel memory (what sendfile and splice copy through a kernel buffer).
  virtual Result<usize> stdio_write_kernel(i32 host_fd, const void* src, usize len) = 0;
  // Kernel diagnostics (trace lines) to the host's stderr.
  virtual void log(const char* text, usize len) = 0;

  // ---- processes ----
  // Starts the main thread of process pid (already in the process table) running the wasm
  // image (copied by the host before returning).
  // key identifies the image (the host may use a module it compiled from the same key).
  // memory: the image's memory limits (exec/wasm_image.h), as the kernel checked them.
  virtual ErrorOr start_process(i32 pid, const void* image, usize len, const ProgramKey& key, const WasmImageInfo& memory) = 0;
  // Terminates the worker of thread tid of process pid, which runs user code and can no
  // longer enter the kernel (DESIGN §4); the process ended with wait_status.
  // last: no thread of the process is left (its end is to be reported).
  virtual void terminate_thread(i32 pid, i32 tid, i32 wait_status, bool last) = 0;
  // Starts thread tid of process pid (made by clone, its start record in the kernel) on a
  // worker of its own, on the process's memory.
  virtual ErrorOr start_thread(i32 pid, i32 tid) = 0;
  // Grows the calling process's memory to its maximum (before it gets a second thread).
  virtual bool user_memory_grow_to_maximum() = 0;
  // Sets the interrupt word of thread tid of process pid, which runs user code.
  virtual void interrupt_thread(i32 pid, i32 tid) = 0;
  // How many parameters the calling process's function at table index fn takes (a signal
  // handler's real type), or -1 when the host cannot tell.
  virtual i32 guest_function_params(u32 fn) = 0;
  // Starts the kernel's timer service thread (once: the first timer armed).
  virtual void start_timer_service() = 0;

  // ---- host directory mounts; paths are relative to the mount's root ("" = root) ----
  // Each fails with the host's errno (ENOENT, EACCES ...).
  virtual ErrorOr host_stat(u32 mount, std::string_view path, HostStat& out) = 0;
  virtual Result<i32> host_open(u32 mount, std::string_view path, i32 flags, u32 mode) = 0; // a handle
  virtual void host_close(i32 handle) = 0;
  virtual Result<usize> host_pread(i32 handle, void* dst, usize len, i64 offset) = 0;
  virtual Result<usize> host_pwrite(i32 handle, const void* src, usize len, i64 offset) = 0;
  // The same straight to or from the calling process's memory: one copy, the host's pages
  // to the process's (EFAULT for a range outside it). Called without the big lock. This
  // default goes through a buffer on the stack; the wasm host port reads and writes the
  // process's memory itself.
  virtual Result<usize> host_pread_user(i32 handle, UserAddr dst, usize len, i64 offset) {
    u8 chunk[4096];
    usize done = 0;
    while (done < len) {
      usize n = len - done < sizeof chunk ? len - done : sizeof chunk;
      auto r = host_pread(handle, chunk, n, offset + static_cast<i64>(done));
      if (r.is_error()) return done ? Result<usize>(done) : r;
      if (r.value() && !copy_to_user(dst + static_cast<UserAddr>(done), chunk, r.value()))
        return done ? Result<usize>(done) : Result<usize>(Errno::efault);
      done += r.value();
      if (r.value() < n) break;
    }
    return done;
  }
  virtual Result<usize> host_pwrite_user(i32 handle, UserAddr src, usize len, i64 offset) {
    u8 chunk[4096];
    usize done = 0;
    while (done < len) {
      usize n = len - done < sizeof chunk ? len - done : sizeof chunk;
      if (!copy_from_user(chunk, src + static_cast<UserAddr>(done), n))
        return done ? Result<usize>(done) : Result<usize>(Errno::efault);
      auto r = host_pwrite(handle, chunk, n, offset + static_cast<i64>(done));
      if (r.is_error()) return done ? Result<usize>(done) : r;
      done += r.value();
      if (r.value() < n) break;
    }
    return done;
  }
  virtual ErrorOr host_ftruncate(i32 handle, i64 length) = 0;
  virtual ErrorOr host_fsync(i32 handle) = 0;
  // The entries of a directory: for each, its type (a DT_* value, DT_UNKNOWN when the
  // host cannot tell) as one byte, then its name and '\0'.
  virtual ErrorOr host_readdir(u32 mount, std::string_view path, Vector<char>& names) = 0;
  virtual ErrorOr host_mkdir(u32 mount, std::string_view path, u32 mode) = 0;
  virtual ErrorOr host_unlink(u32 mount, std::string_view path, bool directory) = 0;
  virtual ErrorOr host_rename(u32 mount, std::string_view from, std::string_view to) = 0;
  virtual ErrorOr host_symlink(u32 mount, std::string_view target, std::string_view path) = 0;
  virtual ErrorOr host_readlink(u32 mount, std::string_view path, Vector<char>& target) = 0;
  virtual ErrorOr host_link(u32 mount, std::string_view from, std::string_view to) = 0;
  virtual ErrorOr host_chmod(u32 mount, std::string_view path, u32 mode) = 0;
  // lchown where the host may (as root); elsewhere nothing changes (the host's user owns
  // what it makes) and it succeeds.
  virtual ErrorOr host_chown(u32 mount, std::string_view path, u32 uid, u32 gid) = 0;
  virtual ErrorOr host_utimens(u32 mount, std::string_view path, i64 atime_ns, i64 mtime_ns) = 0;
  virtual ErrorOr host_statfs(u32 mount, std::string_view path, HostStatfs& out) = 0;
};

// The port of the calling kernel instance (thread-local: each instance has its own user
// memory binding; natively, each test thread).
HostPort& host();
void set_host(HostPort* port);

} // namespace wasmux
