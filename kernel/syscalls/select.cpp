// pselect6 (select(2) in musl): select's three descriptor sets turned into a poll of the
// descriptors they name, as Linux's fs/select.c does (do_select over the same per-file
// poll as do_poll), and the results turned back into sets.
#include "../fd/file_description.h"
#include "poll.h"

namespace wasmux {

namespace {

// fs/select.c: what each set counts as ready.
constexpr u32 k_in_set = abi::pollrdnorm | abi::pollrdband | abi::pollin | abi::pollhup | abi::pollerr;
constexpr u32 k_out_set = abi::pollwrband | abi::pollwrnorm | abi::pollout | abi::pollerr;
constexpr u32 k_ex_set = abi::pollpri;

// An fd_set of the guest: bits in 32-bit words (unsigned long on wasm32).
struct FdSet {
  Vector<u32> words;
  bool has(i32 fd) const { return words.size() && (words[fd / 32] >> (fd % 32)) & 1; }
  void set(i32 fd) { words[fd / 32] |= 1u << (fd % 32); }
};

Result<FdSet> read_set(UserAddr at, usize words) {
  FdSet s;
  if (!at) return s;
  s.words.resize(words);
  TRY(UserPtr<u32>(at).read_array(s.words.data(), words));
  return s;
}

} // namespace

SyscallResult sys_pselect6(const SyscallArgs& a) {
  i32 n = a.i32_(0);
  if (n < 0) return Errno::einval;
  Process& p = current_process();
  // fs/select.c core_sys_select: no descriptor beyond the table counts.
  if (static_cast<u64>(n) > p.nofile_limit()) n = static_cast<i32>(p.nofile_limit());
  usize words = (static_cast<usize>(n) + 31) / 32;
  FdSet in = TRY(read_set(a.ptr(1), words));
  FdSet out = TRY(read_set(a.ptr(2), words));
  FdSet ex = TRY(read_set(a.ptr(3), words));
  i64 deadline = TRY(poll_deadline(a.ptr(4)));
  // The sixth argument: { const sigset_t *mask; size_t size; }, each a 64-bit value as
  // every system call argument is here (abi/syscalls.tbl; musl's syscall_arg_t).
  if (a.ptr(5)) {
    u64 sig[2];
    TRY(UserPtr<u64>(a.ptr(5)).read_array(sig, 2));
    if (sig[0] > UINT32_MAX) return Errno::efault;
    TRY(poll_set_temporary_mask(static_cast<UserAddr>(sig[0]), static_cast<usize>(sig[1])));
  }
  Vector<abi::Pollfd> fds;
  for (i32 fd = 0; fd < n; ++fd) {
    u32 events = (in.has(fd) ? k_in_set : 0) | (out.has(fd) ? k_out_set : 0) | (ex.has(fd) ? k_ex_set : 0);
    if (!events) continue;
    // select(2): EBADF for a set naming a descriptor that is not open.
    if (p.fds().get(fd).is_error()) return Errno::ebadf;
    fds.append(abi::Pollfd{fd, static_cast<i16>(events), 0});
  }
  TRY(poll_until(fds, deadline, false));
  FdSet in_ready{}, out_ready{}, ex_ready{};
  for (FdSet* s : {&in_ready, &out_ready, &ex_ready}) s->words.resize(words);
  i64 count = 0;
  for (auto& pfd : fds) {
    u32 r = static_cast<u16>(pfd.revents);
    if (in.has(pfd.fd) && (r & k_in_set)) in_ready.set(pfd.fd), ++count;
    if (out.has(pfd.fd) && (r & k_out_set)) out_ready.set(pfd.fd), ++count;
    if (ex.has(pfd.fd) && (r & k_ex_set)) ex_ready.set(pfd.fd), ++count;
  }
  if (a.ptr(1)) TRY(UserPtr<u32>(a.ptr(1)).write_array(in_ready.words.data(), words));
  if (a.ptr(2)) TRY(UserPtr<u32>(a.ptr(2)).write_array(out_ready.words.data(), words));
  if (a.ptr(3)) TRY(UserPtr<u32>(a.ptr(3)).write_array(ex_ready.words.data(), words));
  // pselect6 leaves the time not slept in the timeout (fs/select.c poll_select_finish).
  if (a.ptr(4) && deadline >= 0) {
    i64 left = deadline - host().monotonic_ns();
    if (left < 0) left = 0;
    abi::Timespec ts{};
    ts.tv_sec = left / 1000000000;
    ts.tv_nsec = left % 1000000000;
    TRY(copy_out(a.ptr(4), ts));
  }
  return count;
}

} // namespace wasmux
