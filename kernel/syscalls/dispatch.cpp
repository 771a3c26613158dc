// The syscall table and the one place where a Result becomes a Linux return value.
#include "../base/format.h"
#include "../base/verify.h"
#include "../entry/big_lock.h"
#include "../fd/file_description.h"
#include "../signal/delivery.h"
#include "syscall.h"

namespace wasmux {

KernelConfig& kernel_config() {
  static KernelConfig config;
  return config;
}

namespace {

struct SyscallEntry {
  const char* name;
  SyscallResult (*handler)(const SyscallArgs&);
  u8 nargs;
  const char* kinds;
};

#define WASMUX_HANDLER_none(name) nullptr
#define WASMUX_HANDLER_partial(name) &sys_##name
#define WASMUX_HANDLER_full(name) &sys_##name
// One past the highest number in abi/syscalls.tbl: a fixed size would be overrun (at
// static initialisation) as soon as the table gains a number past it.
constexpr u32 count_syscalls() {
  u32 size = 0;
#define WASMUX_SYSCALL(nr, name, level, nargs, kinds, names) size = (nr) + 1 > size ? (nr) + 1 : size;
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
  return size;
}
constexpr u32 table_size = count_syscalls();
struct Table {
  SyscallEntry entries[table_size]{};
  constexpr Table() {
#define WASMUX_SYSCALL(nr, name, level, nargs, kinds, names)                                                           \
  entries[nr] = {#name, WASMUX_HANDLER_##level(name), nargs, kinds};
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
  }
};
const Table table;
bool reported[table_size];

} // namespace

void trace_prefix(Formatter& f) {
  i32 pid = current_thread() ? current_process().pid() : 0;
  f.append("[").append_int(pid).append("] ");
  if (kernel_config().trace_times) {
    // Seconds since boot to the microsecond, as strace -r/-t print them: for races.
    i64 us = (host().monotonic_ns() - kernel_config().boot_ns) / 1000;
    Formatter frac;
    frac.append_int(1000000 + us % 1000000);
    f.append_int(us / 1000000).append(".").append(std::string_view(frac.data() + 1, 6)).append(" ");
  }
}

namespace {

void trace_call(u32 nr, const SyscallEntry* e, const SyscallArgs& args, const SyscallResult& outcome) {
  i64 result = abi_value(outcome);
  Formatter f;
  trace_prefix(f);
  if (!e || !e->name) {
    f.append("syscall_").append_int(nr).append("(...)");
  } else {
    f.append(e->name).append("(");
    const char* k = e->kinds;
    for (u32 i = 0; i < e->nargs; ++i) {
      if (i) f.append(", ");
      std::string_view kind(k);
      kind = kind.substr(0, kind.find(','));
      k += kind.size() + (k[kind.size()] == ',' ? 1 : 0);
      if (kind == "s") {
        auto s = copy_string_in(args.ptr(static_cast<int>(i)), 4096);
        if (s.is_error())
          f.append("<bad>");
        else
          f.append("\"").append_escaped(s.value().view(), 64).append("\"");
      } else if (kind == "p" || kind == "x") {
        f.append("0x").append_hex(static_cast<u64>(kind == "p" ? args.u32_(static_cast<int>(i)) : args.a[i]));
      } else if (kind == "o") {
        f.append("0").append_octal(args.u32_(static_cast<int>(i)));
      } else if (kind == "L") {
        f.append_int(args.a[i]);
      } else if (kind == "fd" || kind == "i") {
        f.append_int(args.i32_(static_cast<int>(i)));
      } else {
        f.append_int(static_cast<i64>(args.u32_(static_cast<int>(i))));
      }
    }
    f.append(")");
  }
  f.append(" = ");
  if (result < 0 && result >= -4095) {
    f.append_int(-1).append(" ").append(errno_name(static_cast<Errno>(-result)));
  } else {
    f.append_int(result);
  }
  f.append("\n");
  host().log(f.data(), f.size());
}

SyscallResult call_handler(u32 nr, const SyscallEntry* e, const SyscallArgs& args) {
  if (!e || !e->handler) {
    if (kernel_config().trace_unimplemented && !kernel_config().trace_all && nr < table_size && !reported[nr]) {
      reported[nr] = true;
      Formatter f;
      f.append("wasmux: unimplemented syscall ")
          .append(e && e->name ? e->name : "?")
          .append(" (")
          .append_int(nr)
          .append(") returns ENOSYS\n");
      host().log(f.data(), f.size());
    }
    return Errno::enosys;
  }
  SyscallResult r = e->handler(args);
  // would_block never reaches a program; the restart codes are settled at kernel exit.
  if (r.is_error() && r.error() == Errno::would_block) return Errno::eagain;
  return r;
}

constexpr u32 nr_sigdeliver = [] {
  u32 n = 0;
#define WASMUX_SYSCALL(nr, name, level, nargs, kinds, names)                                                           \
  if (std::string_view(#name) == "wasmux_sigdeliver") n = nr;
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
  return n;
}();

} // namespace

const char* syscall_name(i32 nr) {
  if (nr < 0 || static_cast<u32>(nr) >= table_size || !table.entries[nr].name) return "?";
  return table.entries[nr].name;
}

i64 syscall_entry(u32 nr, const SyscallArgs& args, bool& must_stop) {
  must_stop = false;
  Thread* t = current_thread();
  // A thread whose process was ended while it ran user code is being terminated by the
  // host: it must not touch kernel state any more (DESIGN §4).
  if (t && !t->enter_kernel()) {
    must_stop = true;
    return 0;
  }
  i64 result;
  {
    LockGuard lock;
    result = abi_value(dispatch(t, nr, args));
    must_stop = t && (t->process().has_exited() || t->exiting());
  }
  if (t) t->leave_kernel();
  return result;
}

SyscallResult dispatch(Thread* t, u32 nr, const SyscallArgs& args) {
  VERIFY_LOCKED();
  VERIFY(t == current_thread());
  const SyscallEntry* e = nr < table_size ? &table.entries[nr] : nullptr;
  if (t) {
    if (t->process().has_exited() || t->exiting()) return 0;
    // A stopped process's threads go no further than the kernel's door.
    if (t->process().stopped()) park_while_stopped(*t);
  }
  struct Current {
    Thread* t;
    ~Current() {
      if (t) t->set_current_syscall(-1);
    }
  } current{t};
  if (t) t->set_current_syscall(static_cast<i32>(nr));
  for (;;) {
    SyscallResult result = call_handler(nr, e, args);
    if (kernel_config().trace_all) trace_call(nr, e, args, result);
    // wasmux_sigdeliver is the exit path's own continuation: it never goes through it.
    if (!t || nr == nr_sigdeliver || !has_signal_work(*t)) {
      if (t) t->set_restart_deadline(-1);
      if (result.is_error() && is_restart(result.error())) return Errno::eintr; // no thread: nothing to restart
      return result;
    }
    bool restart = false;
    result = signal_exit_path(*t, result, restart);
    if (!restart) {
      t->set_restart_deadline(-1);
      return result;
    }
  }
}

ErrorOr wait_for_readiness(FileDescription& d, u32 events) {
  // Registered before the check, under the lock: no notification can fall between.
  ThreadPollTable table(current());
  table.set_key(events | abi::pollhup | abi::pollerr);
  if (d.file().poll(events, &table)) return {};
  return current().block(-1);
}

} // namespace wasmux
