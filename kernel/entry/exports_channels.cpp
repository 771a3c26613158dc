// Host channels (host_channels.h): the console's input, the embedder's input and output
// channels, and a process's stdio, cwd, ids and arguments set before it starts.
// Every export takes the big lock itself (entry/exports.h).
#if defined(__wasm__)
#include "exports.h"

using namespace wasmux;
using namespace wasmux::exports;

EXPORT(wasmux_console_want_word) unsigned wasmux_console_want_word() {
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(console_input().want_word()));
}

EXPORT(wasmux_channel_create) int wasmux_channel_create() {
  LockGuard lock;
  return create_channel();
}

// Input for a channel: the host's stdin reader (channel 0, attached to pid 1, blocks while
// the console queue is full) or the embedder (unbounded, never blocks).
EXPORT(wasmux_channel_input) int wasmux_channel_input(int channel, const unsigned char* data, unsigned len) {
  LockGuard lock;
  InputQueue* q = channel_input(channel);
  if (!q) return error_of(Errno::ebadf);
  auto r = q->push(data, len);
  return r.is_error() ? error_of(r.error()) : static_cast<int>(r.value());
}

// The host lets go of an API channel (host_channels.h release_channel): 1 when it is gone,
// 0 while a descriptor still uses it (ask again later).
EXPORT(wasmux_channel_release) int wasmux_channel_release(int channel) {
  LockGuard lock;
  return release_channel(channel) ? 1 : 0;
}

EXPORT(wasmux_channel_eof) int wasmux_channel_eof(int channel) {
  LockGuard lock;
  InputQueue* q = channel_input(channel);
  if (!q) return error_of(Errno::ebadf);
  q->push_eof();
  return 0;
}

// Puts a channel on descriptor fd (0: input; others: output) of a process.
EXPORT(wasmux_process_set_stdio) int wasmux_process_set_stdio(int pid, int fd, int channel) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  if (fd < 0 || fd > 2 || (channel != 0 && channel < 3 && channel != fd) || (channel >= 3 && !channel_input(channel)))
    return error_of(Errno::einval);
  auto d = make_ref<FileDescription>(make_host_stdio(channel, fd == 0), fd == 0 ? abi::o_rdonly : abi::o_wronly);
  auto r = p->fds().install_at(fd, std::move(d), false, p->nofile_limit());
  return status_of(r);
}

EXPORT(wasmux_process_set_cwd) int wasmux_process_set_cwd(int pid, const char* path) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  auto c = Vfs::the().resolve(*Vfs::the().root(), std::string_view(path), Follow::yes);
  if (c.is_error()) return error_of(c.error());
  if (!c.value()->inode().metadata().is_dir()) return error_of(Errno::enotdir);
  p->set_cwd(c.release_value());
  return 0;
}

EXPORT(wasmux_process_set_ids) int wasmux_process_set_ids(int pid, unsigned uid, unsigned gid) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  Credentials& c = p->credentials();
  c.uid = c.euid = c.suid = uid;
  c.gid = c.egid = c.sgid = gid;
  return 0;
}

// Replaces argv and envp of a process not started yet (same block layout as create).
EXPORT(wasmux_process_set_args) int wasmux_process_set_args(int pid, const char* block) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  u32 argc, envc;
  __builtin_memcpy(&argc, block, 4);
  __builtin_memcpy(&envc, block + 4, 4);
  const char* at = block + 8;
  p->argv() = unpack_strings(at, argc);
  p->envp() = unpack_strings(at, envc);
  return 0;
}
#endif
