#pragma once
// A native HostPort for the unit tests: what the Node host does for a kernel instance
// (host/src/kernel/kernel_instance.ts, host/src/node/host_fs.ts), with user memory in this
// process and hostfs mounts on real temporary directories.
//
// One FakeHost stands for one kernel instance bound to one process's memory. Threads of
// the same process share that memory: build the second thread's port with the sibling
// constructor. Install a port on the calling thread with wasmux::set_host(&port).
#include "host/host_port.h"
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wasmux::test {

// A process's linear memory: a reservation of `max` bytes of which the first size() are
// usable, growing in 64 KiB pages like a wasm memory. The reservation never moves, so a
// thread may copy while another grows it (as with a shared WebAssembly.Memory).
class UserMemory {
public:
  static constexpr u64 wasm_page = 65536;
  // The maximum of memories made without one (the fuzzer keeps them small).
  static inline u64 default_max = 1u << 30;
  explicit UserMemory(u64 initial = 16u << 20, u64 max = default_max);
  ~UserMemory();
  UserMemory(const UserMemory&) = delete;
  UserMemory& operator=(const UserMemory&) = delete;
  u64 size() const;
  bool grow(u32 pages);
  // Direct access for tests (no bounds checks beyond an assertion).
  u8* at(UserAddr addr);
  // The wasm host's rule: [addr, addr+len) must lie inside the memory (no wrap-around).
  bool in_range(u64 addr, u64 len) const { return addr + len <= size(); }

private:
  u8* m_base;
  u64 m_max;
  std::atomic<u64> m_size;
  std::mutex m_grow;
};

// A process the kernel asked the host to start (spawn): recorded, not run.
struct ProcessStart {
  i32 pid;
  std::string image;
};

// What a process wrote to the host's standard streams and what the kernel logged.
struct Captured {
  std::mutex lock;
  std::map<i32, std::string> out; // by host fd (1, 2) or API channel (3 on)
  std::string log;
  std::vector<ProcessStart> starts;
};

// Host operations whose failure a test can inject (FakeHost::inject).
enum class HostOp { stat, open, pread, pwrite, ftruncate, fsync, readdir, mkdir, unlink, rename, memory_grow,
                    start_process, start_thread, count };

// A fault: after `skip` more calls succeed, the next `times` calls (-1: all) fail with
// `error` (an errno), or, with error 0, take `delay_ms` longer (a slow host).
struct HostFault {
  Errno error{}; // Errno{} (0): no error, only the delay
  int skip{0};
  int times{-1};
  int delay_ms{0};
};

class FakeHost final : public HostPort {
public:
  // Faults are for every instance (host file systems are shared); clear_faults ends them.
  static void inject(HostOp op, HostFault fault);
  static void clear_faults();

  FakeHost();
  // Another kernel instance (thread) of the same process: same memory, same captures.
  explicit FakeHost(FakeHost& sibling);
  ~FakeHost() override;

  UserMemory& memory() { return *m_memory; }
  std::string stdout_text() { return captured(1); }
  std::string stderr_text() { return captured(2); }
  std::string channel_text(i32 channel) { return captured(channel); }
  std::string log_text();
  // Makes stdio_write_user fail with -err (0: succeed again).
  void fail_stdio_with(i32 err) { m_stdio_error = err; }

  // Host directory mounts are global (the kernel's mount table outlives any one test):
  // returns the mount id under which root (an absolute host path) is served.
  static u32 register_mount(const std::string& root);

  // ---- HostPort ----
  bool copy_from_user(void* dst, UserAddr src, usize len) override;
  bool copy_to_user(UserAddr dst, const void* src, usize len) override;
  bool fill_user(UserAddr dst, u8 byte, usize len) override;
  i64 user_strnlen(UserAddr src, usize max) override;
  u64 user_memory_size() override { return m_memory->size(); }
  Result<u32> user_compare_exchange(UserAddr addr, u32 expected, u32 desired) override;
  bool user_memory_grow(u32 pages) override { return !fault(HostOp::memory_grow).is_error() && m_memory->grow(pages); }
  i64 realtime_ns() override;
  i64 monotonic_ns() override;
  i64 thread_cputime_ns() override;
  void random_bytes(void* dst, usize len) override;
  Result<usize> stdio_write_user(i32 host_fd, UserAddr src, usize len) override;
  Result<usize> stdio_write_kernel(i32 host_fd, const void* src, usize len) override;
  void log(const char* text, usize len) override;
  // Process starts are recorded, not run: a test plays the started process itself.
  ErrorOr start_process(i32 pid, const void* image, usize len, const ProgramKey& key, const WasmImageInfo& memory) override;
  std::vector<ProcessStart> starts();
  // Terminations are recorded for every instance (the killer may be any process): a test
  // plays the host by checking them.
  void terminate_thread(i32 pid, i32 tid, i32 wait_status, bool last) override;
  // Thread starts are recorded: a test plays the new thread (GuestThread::Started).
  ErrorOr start_thread(i32 pid, i32 tid) override;
  static std::vector<std::pair<i32, i32>> thread_starts();
  static void clear_thread_starts();
  bool user_memory_grow_to_maximum() override { return true; }
  struct Termination {
    i32 pid, tid, wait_status;
  };
  static std::vector<Termination> terminations();
  static void clear_terminations();
  void start_timer_service() override;
  void interrupt_thread(i32 pid, i32 tid) override;
  static int interrupts_of(i32 tid);
  // Function types are the test's to declare: set_function_params(fn, n); -1 otherwise.
  i32 guest_function_params(u32 fn) override;
  void set_function_params(u32 fn, i32 params) { m_function_params[fn] = params; }
  static int timer_service_starts();
  ErrorOr host_stat(u32 mount, std::string_view path, HostStat& out) override;
  Result<i32> host_open(u32 mount, std::string_view path, i32 flags, u32 mode) override;
  void host_close(i32 handle) override;
  Result<usize> host_pread(i32 handle, void* dst, usize len, i64 offset) override;
  Result<usize> host_pwrite(i32 handle, const void* src, usize len, i64 offset) override;
  ErrorOr host_ftruncate(i32 handle, i64 length) override;
  ErrorOr host_fsync(i32 handle) override;
  ErrorOr host_readdir(u32 mount, std::string_view path, Vector<char>& names) override;
  ErrorOr host_mkdir(u32 mount, std::string_view path, u32 mode) override;
  ErrorOr host_unlink(u32 mount, std::string_view path, bool directory) override;
  ErrorOr host_rename(u32 mount, std::string_view from, std::string_view to) override;
  ErrorOr host_symlink(u32 mount, std::string_view target, std::string_view path) override;
  ErrorOr host_readlink(u32 mount, std::string_view path, Vector<char>& target) override;
  ErrorOr host_link(u32 mount, std::string_view from, std::string_view to) override;
  ErrorOr host_chmod(u32 mount, std::string_view path, u32 mode) override;
  ErrorOr host_chown(u32 mount, std::string_view path, u32 uid, u32 gid) override;
  ErrorOr host_utimens(u32 mount, std::string_view path, i64 atime_ns, i64 mtime_ns) override;
  ErrorOr host_statfs(u32 mount, std::string_view path, HostStatfs& out) override;

private:
  // The injected fault of op, if this call is to fail (its error) or be slowed (slept here).
  static ErrorOr fault(HostOp op);
  std::string captured(int fd);
  std::shared_ptr<UserMemory> m_memory;
  std::shared_ptr<Captured> m_captured;
  std::atomic<i32> m_stdio_error{0};
  std::map<u32, i32> m_function_params;
};

// Creates a fresh host directory under /tmp and removes it (recursively) when destroyed.
class HostTempDir {
public:
  HostTempDir();
  ~HostTempDir();
  const std::string& path() const { return m_path; }
  std::string operator/(std::string_view rel) const { return m_path + "/" + std::string(rel); }

private:
  std::string m_path;
};

} // namespace wasmux::test
