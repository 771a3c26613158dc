// The HostPort of the wasm build: each call is an import of module "host", bound by the
// worker that instantiated this kernel instance to its own process's memory.
#if defined(__wasm__)
#include "host_port.h"

#define HOST_IMPORT(name) __attribute__((import_module("host"), import_name(#name)))

extern "C" {
HOST_IMPORT(copy_from_user) int host_copy_from_user(void* dst, unsigned src, unsigned len);
HOST_IMPORT(copy_to_user) int host_copy_to_user(unsigned dst, const void* src, unsigned len);
HOST_IMPORT(fill_user) int host_fill_user(unsigned dst, int byte, unsigned len);
HOST_IMPORT(user_strnlen) int host_user_strnlen(unsigned src, unsigned max);
HOST_IMPORT(user_memory_pages) unsigned host_user_memory_pages();
HOST_IMPORT(user_memory_grow) int host_user_memory_grow(unsigned pages);
HOST_IMPORT(user_compare_exchange) long long host_user_compare_exchange(unsigned addr, unsigned expected, unsigned desired);
HOST_IMPORT(realtime_ns) long long host_realtime_ns();
HOST_IMPORT(monotonic_ns) long long host_monotonic_ns();
HOST_IMPORT(thread_cputime_ns) long long host_thread_cputime_ns();
HOST_IMPORT(random_bytes) void host_random_bytes(void* dst, unsigned len);
HOST_IMPORT(stdio_write_user) int host_stdio_write_user(int fd, unsigned src, unsigned len);
HOST_IMPORT(stdio_write_kernel) int host_stdio_write_kernel(int fd, const void* src, unsigned len);
HOST_IMPORT(log) void host_log(const char* text, unsigned len);
HOST_IMPORT(start_process) int host_start_process(int pid, const void* image, unsigned len, const void* key, unsigned initial_pages, unsigned maximum_pages);
HOST_IMPORT(terminate_thread) void host_terminate_thread(int pid, int tid, int wait_status, int last);
HOST_IMPORT(start_thread) int host_start_thread(int pid, int tid);
HOST_IMPORT(user_memory_grow_to_maximum) int host_user_memory_grow_to_maximum();
HOST_IMPORT(start_timer_service) void host_start_timer_service();
HOST_IMPORT(interrupt_thread) void host_interrupt_thread(int pid, int tid);
HOST_IMPORT(guest_function_params) int host_guest_function_params(unsigned fn);
HOST_IMPORT(fs_stat) int host_fs_stat(unsigned mount, const char* path, unsigned len, void* out);
HOST_IMPORT(fs_open) int host_fs_open(unsigned mount, const char* path, unsigned len, int flags, unsigned mode);
HOST_IMPORT(fs_close) void host_fs_close(int handle);
HOST_IMPORT(fs_pread) long long host_fs_pread(int handle, void* dst, unsigned len, long long offset);
HOST_IMPORT(fs_pwrite) long long host_fs_pwrite(int handle, const void* src, unsigned len, long long offset);
HOST_IMPORT(fs_pread_user) long long host_fs_pread_user(int handle, unsigned dst, unsigned len, long long offset);
HOST_IMPORT(fs_pwrite_user) long long host_fs_pwrite_user(int handle, unsigned src, unsigned len, long long offset);
HOST_IMPORT(fs_ftruncate) int host_fs_ftruncate(int handle, long long length);
HOST_IMPORT(fs_fsync) int host_fs_fsync(int handle);
HOST_IMPORT(fs_readdir) int host_fs_readdir(unsigned mount, const char* path, unsigned len, char* out, unsigned cap);
HOST_IMPORT(fs_mkdir) int host_fs_mkdir(unsigned mount, const char* path, unsigned len, unsigned mode);
HOST_IMPORT(fs_unlink) int host_fs_unlink(unsigned mount, const char* path, unsigned len, int directory);
HOST_IMPORT(fs_rename) int host_fs_rename(unsigned mount, const char* from, unsigned from_len, const char* to, unsigned to_len);
HOST_IMPORT(fs_symlink) int host_fs_symlink(unsigned mount, const char* target, unsigned target_len, const char* path, unsigned len);
HOST_IMPORT(fs_readlink) int host_fs_readlink(unsigned mount, const char* path, unsigned len, char* out, unsigned cap);
HOST_IMPORT(fs_link) int host_fs_link(unsigned mount, const char* from, unsigned from_len, const char* to, unsigned to_len);
HOST_IMPORT(fs_chmod) int host_fs_chmod(unsigned mount, const char* path, unsigned len, unsigned mode);
HOST_IMPORT(fs_chown) int host_fs_chown(unsigned mount, const char* path, unsigned len, unsigned uid, unsigned gid);
HOST_IMPORT(fs_utimens) int host_fs_utimens(unsigned mount, const char* path, unsigned len, long long atime_ns, long long mtime_ns);
HOST_IMPORT(fs_statfs) int host_fs_statfs(unsigned mount, const char* path, unsigned len, void* out);
}

namespace wasmux {

namespace {

// The host's imports answer -errno for an error: the one place that becomes an Errno.
ErrorOr status(i64 r) {
  if (r < 0) return static_cast<Errno>(-r);
  return {};
}
template <typename T>
Result<T> value(i64 r) {
  if (r < 0) return static_cast<Errno>(-r);
  return static_cast<T>(r);
}

// Calls fill(out, cap) with growing buffers until the answer fits: the import returns the
// size it needs (or -errno).
template <typename F>
i32 fetch_sized(Vector<char>& out, F fill) {
  usize cap = 4096;
  for (;;) {
    out.resize(cap);
    int r = fill(out.data(), static_cast<unsigned>(cap));
    if (r < 0) return r;
    if (static_cast<usize>(r) <= cap) {
      out.resize(static_cast<usize>(r));
      return 0;
    }
    cap = static_cast<usize>(r);
  }
}

class WasmHostPort final : public HostPort {
public:
  bool copy_from_user(void* dst, UserAddr src, usize len) override {
    return (len == 0 || src >= user_null_guard) && host_copy_from_user(dst, src, static_cast<unsigned>(len)) == 0;
  }
  bool copy_to_user(UserAddr dst, const void* src, usize len) override {
    return (len == 0 || dst >= user_null_guard) && host_copy_to_user(dst, src, static_cast<unsigned>(len)) == 0;
  }
  bool fill_user(UserAddr dst, u8 byte, usize len) override {
    return (len == 0 || dst >= user_null_guard) && host_fill_user(dst, byte, static_cast<unsigned>(len)) == 0;
  }
  i64 user_strnlen(UserAddr src, usize max) override {
    return src < user_null_guard ? -1 : host_user_strnlen(src, static_cast<unsigned>(max));
  }
  u64 user_memory_size() override { return static_cast<u64>(host_user_memory_pages()) * 65536; }
  Result<u32> user_compare_exchange(UserAddr addr, u32 expected, u32 desired) override {
    if (addr < user_null_guard || addr % 4) return Errno::efault;
    return value<u32>(host_user_compare_exchange(addr, expected, desired));
  }
  bool user_memory_grow(u32 pages) override { return host_user_memory_grow(pages) >= 0; }
  i64 realtime_ns() override { return host_realtime_ns(); }
  i64 monotonic_ns() override { return host_monotonic_ns(); }
  i64 thread_cputime_ns() override { return host_thread_cputime_ns(); }
  void random_bytes(void* dst, usize len) override { host_random_bytes(dst, static_cast<unsigned>(len)); }
  Result<usize> stdio_write_user(i32 fd, UserAddr src, usize len) override {
    return value<usize>(host_stdio_write_user(fd, src, static_cast<unsigned>(len)));
  }
  Result<usize> stdio_write_kernel(i32 fd, const void* src, usize len) override {
    return value<usize>(host_stdio_write_kernel(fd, src, static_cast<unsigned>(len)));
  }
  void log(const char* text, usize len) override { host_log(text, static_cast<unsigned>(len)); }
  ErrorOr start_process(i32 pid, const void* image, usize len, const ProgramKey& key, const WasmImageInfo& memory) override {
    return status(host_start_process(pid, image, static_cast<unsigned>(len), &key, memory.initial_pages, memory.maximum_pages));
  }
  void terminate_thread(i32 pid, i32 tid, i32 wait_status, bool last) override {
    host_terminate_thread(pid, tid, wait_status, last);
  }
  ErrorOr start_thread(i32 pid, i32 tid) override { return status(host_start_thread(pid, tid)); }
  bool user_memory_grow_to_maximum() override { return host_user_memory_grow_to_maximum() >= 0; }
  void start_timer_service() override { host_start_timer_service(); }
  void interrupt_thread(i32 pid, i32 tid) override { host_interrupt_thread(pid, tid); }
  i32 guest_function_params(u32 fn) override { return host_guest_function_params(fn); }

  ErrorOr host_stat(u32 mount, std::string_view path, HostStat& out) override {
    return status(host_fs_stat(mount, path.data(), static_cast<unsigned>(path.size()), &out));
  }
  Result<i32> host_open(u32 mount, std::string_view path, i32 flags, u32 mode) override {
    return value<i32>(host_fs_open(mount, path.data(), static_cast<unsigned>(path.size()), flags, mode));
  }
  void host_close(i32 handle) override { host_fs_close(handle); }
  Result<usize> host_pread(i32 h, void* dst, usize len, i64 off) override {
    return value<usize>(host_fs_pread(h, dst, static_cast<unsigned>(len), off));
  }
  Result<usize> host_pwrite(i32 h, const void* src, usize len, i64 off) override {
    return value<usize>(host_fs_pwrite(h, src, static_cast<unsigned>(len), off));
  }
  Result<usize> host_pread_user(i32 h, UserAddr dst, usize len, i64 off) override {
    if (len && dst < user_null_guard) return Errno::efault;
    return value<usize>(host_fs_pread_user(h, dst, static_cast<unsigned>(len), off));
  }
  Result<usize> host_pwrite_user(i32 h, UserAddr src, usize len, i64 off) override {
    if (len && src < user_null_guard) return Errno::efault;
    return value<usize>(host_fs_pwrite_user(h, src, static_cast<unsigned>(len), off));
  }
  ErrorOr host_ftruncate(i32 h, i64 length) override { return status(host_fs_ftruncate(h, length)); }
  ErrorOr host_fsync(i32 h) override { return status(host_fs_fsync(h)); }
  ErrorOr host_readdir(u32 mount, std::string_view path, Vector<char>& names) override {
    return status(fetch_sized(names, [&](char* out, unsigned cap) { return host_fs_readdir(mount, path.data(), static_cast<unsigned>(path.size()), out, cap); }));
  }
  ErrorOr host_mkdir(u32 mount, std::string_view path, u32 mode) override {
    return status(host_fs_mkdir(mount, path.data(), static_cast<unsigned>(path.size()), mode));
  }
  ErrorOr host_unlink(u32 mount, std::string_view path, bool directory) override {
    return status(host_fs_unlink(mount, path.data(), static_cast<unsigned>(path.size()), directory));
  }
  ErrorOr host_rename(u32 mount, std::string_view from, std::string_view to) override {
    return status(host_fs_rename(mount, from.data(), static_cast<unsigned>(from.size()), to.data(), static_cast<unsigned>(to.size())));
  }
  ErrorOr host_symlink(u32 mount, std::string_view target, std::string_view path) override {
    return status(host_fs_symlink(mount, target.data(), static_cast<unsigned>(target.size()), path.data(), static_cast<unsigned>(path.size())));
  }
  ErrorOr host_readlink(u32 mount, std::string_view path, Vector<char>& target) override {
    return status(fetch_sized(target, [&](char* out, unsigned cap) { return host_fs_readlink(mount, path.data(), static_cast<unsigned>(path.size()), out, cap); }));
  }
  ErrorOr host_link(u32 mount, std::string_view from, std::string_view to) override {
    return status(host_fs_link(mount, from.data(), static_cast<unsigned>(from.size()), to.data(), static_cast<unsigned>(to.size())));
  }
  ErrorOr host_chmod(u32 mount, std::string_view path, u32 mode) override {
    return status(host_fs_chmod(mount, path.data(), static_cast<unsigned>(path.size()), mode));
  }
  ErrorOr host_chown(u32 mount, std::string_view path, u32 uid, u32 gid) override {
    return status(host_fs_chown(mount, path.data(), static_cast<unsigned>(path.size()), uid, gid));
  }
  ErrorOr host_utimens(u32 mount, std::string_view path, i64 atime_ns, i64 mtime_ns) override {
    return status(host_fs_utimens(mount, path.data(), static_cast<unsigned>(path.size()), atime_ns, mtime_ns));
  }
  ErrorOr host_statfs(u32 mount, std::string_view path, HostStatfs& out) override {
    return status(host_fs_statfs(mount, path.data(), static_cast<unsigned>(path.size()), &out));
  }
};

WasmHostPort g_port;

} // namespace

// Stateless: the imports themselves are per instance, so one object serves every instance.
HostPort& host() { return g_port; }
void set_host(HostPort*) {}

} // namespace wasmux
#endif
