// execve, execveat. The kernel does everything up to the point of no return (the program
// found, "#!" resolved, arguments copied, close-on-exec applied); the guest then traps out
// of its old image and its worker starts the new one in the same process (DESIGN §4).
#include "../signal/signal.h"
#include "path_helpers.h"
#include "program.h"

namespace wasmux {

namespace {

SyscallResult exec_common(RefPtr<Custody> program, std::string_view filename, UserAddr uargv, UserAddr uenvp) {
  Process& p = current_process();
  usize total = 0;
  Vector<String> argv = TRY(copy_string_array(uargv, total));
  Vector<String> envp = TRY(copy_string_array(uenvp, total));
  Vector<u8> image = TRY(read_image(program->inode()));
  TRY(apply_interpreter(p, program, image, argv));
  // A file no handler takes fails here, in the caller (fs/exec.c search_binary_handler).
  WasmImageInfo memory = TRY(inspect_wasm_image(image.data(), image.size()));
  // The point of no return (fs/exec.c begin_new_exec). The other threads end first
  // (de_thread), and a thread that is not the leader takes the leader's id.
  end_other_threads(p, p.wait_status());
  if (current().tid() != p.pid()) {
    // The ids are exchanged (fs/exec.c de_thread, exchange_tids): a leader still finishing
    // in the kernel takes the caller's old id, so no two threads ever share one.
    i32 old = current().tid();
    p.for_each_thread([&](Thread& t) {
      if (&t != &current() && t.tid() == p.pid()) t.set_tid(old);
    });
    current().set_tid(p.pid());
  }
  // Descriptors marked close-on-exec go, the arguments are the new ones; the pid, parent
  // and other descriptors stay.
  p.fds().close_on_exec();
  // execve(2): caught signals go back to their default, ignored ones stay ignored; the
  // mask and pending signals are kept; the alternate stack is gone with the old image.
  p.reset_caught_signals();
  // POSIX timers do not survive an exec (timer_create(2)); interval timers do.
  p.posix_timers().clear();
  current().altstack() = {0, abi::ss_disable, 0};
  p.argv() = std::move(argv);
  p.set_comm_from_path(filename);
  p.set_exe(program);
  p.envp() = std::move(envp);
  current().set_exec_image(std::move(image), program_key(program->inode()), memory);
  return 0;
}

} // namespace

SyscallResult sys_execve(const SyscallArgs& a) {
  String path = TRY(copy_path_in(a.ptr(0)));
  auto program = TRY(check_program(current_process(), path.view()));
  return exec_common(std::move(program), path.view(), a.ptr(1), a.ptr(2));
}

SyscallResult sys_execveat(const SyscallArgs& a) {
  u32 flags = a.u32_(4);
  if (flags & ~static_cast<u32>(abi::at_empty_path | abi::at_symlink_nofollow)) return Errno::einval;
  auto custody =
      TRY(resolve_at(a.fd(0), a.ptr(1), flags, (flags & abi::at_symlink_nofollow) ? Follow::no : Follow::yes));
  if (custody->inode().metadata().is_symlink()) return Errno::eloop;
  auto program = TRY(check_program(current_process(), custody->absolute_path().view()));
  // The command name is the last component of PATH or, for an empty PATH (fexecve), of the
  // file's own name: Linux names the file "/dev/fd/N" then, but takes comm from its dentry
  // (fs/exec.c begin_new_exec; tests/conformance/exec.c checks it natively).
  String path = TRY(copy_string_in(a.ptr(1), abi::path_max));
  String name = path.empty() ? custody->absolute_path() : path;
  return exec_common(std::move(program), name.view(), a.ptr(2), a.ptr(3));
}

} // namespace wasmux
