// Boot: the kernel's own start, kernel-thread regions and kernel-memory blocks for the
// host, host mounts, and the root filesystem image the host unpacks one entry per call.
// Every export takes the big lock itself (entry/exports.h).
#if defined(__wasm__)
#include "exports.h"

using namespace wasmux;
using namespace wasmux::exports;

namespace {
constexpr u32 kthread_stack_size = 256 * 1024;
constexpr u32 kthread_tls_room = 4096;

// Every instance's answer buffer, by the address of the TLS slot that points to it.
struct AnswerSlot {
  const void* slot;
  Answer* answer;
};
Vector<AnswerSlot>& answer_slots() {
  static Vector<AnswerSlot>* slots = new Vector<AnswerSlot>;
  return *slots;
}
thread_local Answer* t_answer = nullptr;
} // namespace

namespace wasmux::exports {

Answer& instance_answer() {
  if (!t_answer) {
    t_answer = new Answer;
    answer_slots().append({&t_answer, t_answer});
  }
  return *t_answer;
}

void free_instance_answers(uintptr_t base, usize size) {
  auto& slots = answer_slots();
  for (usize i = slots.size(); i-- > 0;) {
    auto at = reinterpret_cast<uintptr_t>(slots[i].slot);
    if (at < base || at >= base + size) continue;
    delete slots[i].answer;
    slots.remove(i);
  }
}

} // namespace wasmux::exports

// flags: bit 0 trace every syscall, bit 1 report unimplemented ones, bits 2-4 host fds
// 0-2 are terminals, bit 5 each traced call with the seconds since boot.
EXPORT(wasmux_boot) int wasmux_boot(unsigned flags, unsigned rows, unsigned cols, unsigned cpus) {
  LockGuard lock;
  BootOptions o;
  o.trace_all = flags & 1;
  o.trace_unimplemented = flags & 2;
  o.trace_times = flags & 32;
  o.host_network = flags & 64;
  for (int i = 0; i < 3; ++i)
    o.stdio_is_tty[i] = flags & (4u << i);
  if (rows) o.rows = static_cast<u16>(rows);
  if (cols) o.cols = static_cast<u16>(cols);
  o.cpus = cpus;
  auto r = kernel_boot(o);
  return status_of(r);
}

// A kernel thread region: TLS at its base, the stack growing down from base + size.
EXPORT(wasmux_kthread_region_size) unsigned wasmux_kthread_region_size() {
  return kthread_stack_size + kthread_tls_room;
}

EXPORT(wasmux_kthread_alloc) unsigned wasmux_kthread_alloc() {
  LockGuard lock;
  if (__builtin_wasm_tls_size() > kthread_tls_room) __builtin_trap();
  kthread_region_bytes += kthread_stack_size + kthread_tls_room;
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(operator new(kthread_stack_size + kthread_tls_room)));
}

EXPORT(wasmux_kthread_free) void wasmux_kthread_free(unsigned base) {
  LockGuard lock;
  kthread_region_bytes -= kthread_stack_size + kthread_tls_room;
  free_instance_answers(base, kthread_stack_size + kthread_tls_room);
  operator delete(reinterpret_cast<void*>(static_cast<uintptr_t>(base)));
}

EXPORT(wasmux_alloc) void* wasmux_alloc(unsigned n) {
  LockGuard lock;
  return operator new(n);
}

EXPORT(wasmux_free) void wasmux_free(void* p) {
  LockGuard lock;
  operator delete(p);
}

EXPORT(wasmux_mount_host) int wasmux_mount_host(const char* guest_path, unsigned mount_id) {
  LockGuard lock;
  auto r = mount_host_directory(std::string_view(guest_path), mount_id);
  return status_of(r);
}

// Writes a file into the root file system (used to seed /etc and the like).
EXPORT(wasmux_write_file) int wasmux_write_file(const char* path, const void* data, unsigned len, unsigned mode) {
  LockGuard lock;
  std::string_view p(path);
  usize slash = p.rfind('/');
  auto dir = make_directories(p.substr(0, slash == std::string_view::npos ? 0 : slash));
  if (dir.is_error()) return error_of(dir.error());
  auto name = p.substr(slash == std::string_view::npos ? 0 : slash + 1);
  auto inode = dir.value()->inode().create(name, mode, 0, 0);
  if (inode.is_error()) return error_of(inode.error());
  auto w = inode.value()->write_at(0, IoBuffer::kernel(const_cast<void*>(data), len));
  return status_of(w);
}

namespace {
// The directory holding path's last component (made as needed, as mkdir -p), and that name.
Result<RefPtr<Custody>> parent_directory(std::string_view path, std::string_view& name) {
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  usize slash = path.rfind('/');
  name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  if (name.empty() || name == "." || name == "..") return Errno::einval;
  return make_directories(path.substr(0, slash == std::string_view::npos ? 0 : slash));
}
} // namespace

// A directory with this mode; one that exists already (/tmp, /etc ...) takes the mode.
EXPORT(wasmux_make_directory) int wasmux_make_directory(const char* path, unsigned mode) {
  LockGuard lock;
  std::string_view name;
  auto dir = parent_directory(std::string_view(path), name);
  if (dir.is_error()) return error_of(dir.error());
  auto made = dir.value()->inode().mkdir(name, mode & 07777, 0, 0);
  if (!made.is_error()) return 0;
  if (made.error() != Errno::eexist) return error_of(made.error());
  auto existing = Vfs::the().resolve(*dir.value(), name, Follow::no);
  if (existing.is_error()) return error_of(existing.error());
  if (!existing.value()->inode().metadata().is_dir()) return error_of(Errno::eexist);
  auto r = existing.value()->inode().chmod(mode & 07777);
  return status_of(r);
}

EXPORT(wasmux_make_symlink) int wasmux_make_symlink(const char* path, const char* target) {
  LockGuard lock;
  std::string_view name;
  auto dir = parent_directory(std::string_view(path), name);
  if (dir.is_error()) return error_of(dir.error());
  auto r = dir.value()->inode().symlink(name, std::string_view(target), 0, 0);
  return status_of(r);
}
#endif
