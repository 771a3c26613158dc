// wasmux_spawn: posix_spawn as one kernel operation (DESIGN §4). The program is resolved
// first (the PATH walk of posix_spawnp included) with no side effect, so a failed
// candidate never runs file actions; then the child is made, its attributes and file
// actions applied exactly once, and the host starts it on a pooled worker.
#include "../fd/file_description.h"
#include "open.h"
#include "path_helpers.h"
#include "program.h"

namespace wasmux {

namespace {

ErrorOr apply_attributes(Process& child, const abi::SpawnAttr& attr) {
  if (attr.flags & abi::posix_spawn_setsid) {
    child.set_sid(child.pid());
    child.set_pgid(child.pid());
  }
  if (attr.flags & abi::posix_spawn_setpgroup) {
    if (attr.pgroup < 0) return Errno::einval;
    child.set_pgid(attr.pgroup == 0 ? child.pid() : attr.pgroup);
  }
  if (attr.flags & abi::posix_spawn_resetids) {
    Credentials& c = child.credentials();
    c.euid = c.suid = c.uid;
    c.egid = c.sgid = c.gid;
  }
  // The child starts as after execve: caught signals at their default, ignored ones
  // ignored, the spawner's mask unless SETSIGMASK gives one (posix_spawnattr_setsigmask(3)),
  // and SETSIGDEF's signals at their default too.
  child.reset_caught_signals();
  child.initial_altstack() = {0, abi::ss_disable, 0};
  if (attr.flags & abi::posix_spawn_setsigmask) child.set_initial_mask(attr.sigmask & ~unblockable_signals);
  if (attr.flags & abi::posix_spawn_setsigdef) {
    for (i32 sig = 1; sig <= max_signal; ++sig)
      if (attr.sigdefault & sig_bit(sig)) child.action(sig) = SigAction{};
  }
  return {};
}

// The file actions, in the order they were added (posix_spawn_file_actions_add*(3)).
ErrorOr apply_actions(Process& child, UserAddr actions) {
  if (!actions) return {};
  u32 total = TRY(copy_in<u32>(actions));
  if (total > (1u << 20)) return Errno::einval;
  u32 at = 4;
  while (at < total) {
    auto a = TRY(copy_in<abi::SpawnAction>(actions + at));
    at += sizeof(abi::SpawnAction);
    String path;
    if (a.path_len) {
      if (a.path_len > abi::path_max) return Errno::enametoolong;
      path = TRY(copy_string_in(actions + at, a.path_len));
      at += round_up<u32>(a.path_len, 4);
    }
    FdTable& fds = child.fds();
    switch (a.cmd) {
    case abi::spawn_action_close:
      (void)fds.close(a.fd); // musl ignores close failures in the child, and so do we
      break;
    case abi::spawn_action_dup2: {
      auto d = TRY(fds.get(a.srcfd));
      // posix_spawn_file_actions_adddup2(3): when both are equal, FD_CLOEXEC is cleared.
      TRY(fds.install_at(a.fd, std::move(d), false, child.nofile_limit()));
      break;
    }
    case abi::spawn_action_open: {
      auto d = TRY(open_description(child, abi::at_fdcwd, path.view(), a.oflag, a.mode));
      TRY(fds.install_at(a.fd, std::move(d), a.oflag & abi::o_cloexec, child.nofile_limit()));
      break;
    }
    case abi::spawn_action_chdir: {
      auto c = TRY(Vfs::the().resolve(child.cwd(), path.view(), Follow::yes));
      if (!c->inode().metadata().is_dir()) return Errno::enotdir;
      child.set_cwd(std::move(c));
      break;
    }
    case abi::spawn_action_fchdir: {
      auto c = TRY(base_for_dirfd(child, a.fd));
      child.set_cwd(std::move(c));
      break;
    }
    default: return Errno::einval;
    }
  }
  return {};
}

} // namespace

SyscallResult sys_wasmux_spawn(const SyscallArgs& a) {
  Process& parent = current_process();
  String path = TRY(copy_path_in(a.ptr(0)));
  usize total = 0;
  Vector<String> argv = TRY(copy_string_array(a.ptr(1), total));
  Vector<String> envp = TRY(copy_string_array(a.ptr(2), total));
  abi::SpawnAttr attr{};
  if (a.ptr(4)) attr = TRY(copy_in<abi::SpawnAttr>(a.ptr(4)));
  String search;
  if (a.ptr(5)) search = TRY(copy_string_in(a.ptr(5), abi::path_max * 4));
  auto program = TRY(find_program(parent, path.view(), a.ptr(5) ? &search : nullptr));
  Vector<u8> image = TRY(read_image(program->inode()));
  TRY(apply_interpreter(parent, program, image, argv));
  WasmImageInfo memory = TRY(inspect_wasm_image(image.data(), image.size()));

  auto child = TRY(ProcessTable::the().create_child(parent));
  auto fail = [&](Errno e) -> SyscallResult {
    child->exit(wait_status_exited(127));
    ProcessTable::the().remove(child->pid());
    return e;
  };
  auto r = apply_attributes(*child, attr);
  if (!r.is_error()) r = apply_actions(*child, a.ptr(3));
  if (r.is_error()) return fail(r.error());
  child->fds().close_on_exec();
  child->argv() = std::move(argv);
  child->set_comm_from_path(path.view());
  child->set_exe(program);
  child->envp() = std::move(envp);
  auto started = host().start_process(child->pid(), image.data(), image.size(), program_key(program->inode()), memory);
  if (started.is_error()) return fail(started.error());
  return child->pid();
}

} // namespace wasmux
