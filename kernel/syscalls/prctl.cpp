// prctl(2): the process attributes programs ask for most (include/uapi/linux/prctl.h):
// the command name, the parent-death signal, child subreapers, the dumpable flag. Other
// options are EINVAL, as Linux answers an option it does not know.
#include "../base/user_buffer.h"
#include "../proc/process.h"
#include "../signal/signal_state.h"
#include "syscall.h"

namespace wasmux {

SyscallResult sys_prctl(const SyscallArgs& a) {
  Process& p = current_process();
  switch (a.i32_(0)) {
  case abi::pr_set_name: {
    // The name is copied up to 15 bytes; a longer one is cut, not refused (kernel/sys.c).
    char name[16] = {};
    for (usize i = 0; i < 15; ++i) {
      char c = TRY(copy_in<char>(a.ptr(1) + i));
      if (!c) break;
      name[i] = c;
    }
    p.set_comm_from_path(name);
    return 0;
  }
  case abi::pr_get_name: {
    char name[16] = {};
    std::string_view comm = p.comm();
    __builtin_memcpy(name, comm.data(), comm.size() < 15 ? comm.size() : 15);
    TRY(copy_out(a.ptr(1), name));
    return 0;
  }
  case abi::pr_set_pdeathsig: {
    u32 sig = a.u32_(1);
    if (sig > static_cast<u32>(max_signal)) return Errno::einval;
    p.set_parent_death_signal(static_cast<i32>(sig));
    return 0;
  }
  case abi::pr_get_pdeathsig: TRY(copy_out<i32>(a.ptr(1), p.parent_death_signal())); return 0;
  case abi::pr_set_child_subreaper: p.set_child_subreaper(a.u32_(1) != 0); return 0;
  case abi::pr_get_child_subreaper: TRY(copy_out<i32>(a.ptr(1), p.child_subreaper() ? 1 : 0)); return 0;
  case abi::pr_get_dumpable: return p.dumpable() ? 1 : 0;
  case abi::pr_set_dumpable:
    if (a.u32_(1) > 1) return Errno::einval; // SUID_DUMP_ROOT (2) may not be set by prctl
    p.set_dumpable(a.u32_(1) == 1);
    return 0;
  default: return Errno::einval;
  }
}

} // namespace wasmux
