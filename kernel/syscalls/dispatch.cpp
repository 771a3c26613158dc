// The syscall table and the one place where a Result becomes a Linux return value.
#include "../base/format.h"
#include "../entry/big_lock.h"
#include "../fd/file_description.h"
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
#define WASMUX_SYSCALL(nr, name, level, nargs, kinds, names) entries[nr] = {#name, WASMUX_HANDLER_##level(name), nargs, kinds};
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
  }
};
const Table table;
bool reported[table_size];

void trace_call(u32 nr, const SyscallEntry* e, const SyscallArgs& args, i64 result) {
  Formatter f;
  i32 pid = current_thread() ? current_process().pid() : 0;
  f.append("[").append_int(pid).append("] ");
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
        if (s.is_error()) f.append("<bad>");
        else f.append("\"").append_escaped(s.value().view(), 64).append("\"");
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

} // namespace

i64 syscall_entry(u32 nr, const SyscallArgs& args) {
  LockGuard lock;
  const SyscallEntry* e = nr < table_size ? &table.entries[nr] : nullptr;
  i64 result;
  if (!e || !e->handler) {
    result = -static_cast<i64>(Errno::enosys);
    if (kernel_config().trace_unimplemented && !kernel_config().trace_all && nr < table_size && !reported[nr]) {
      reported[nr] = true;
      Formatter f;
      f.append("wasmux: unimplemented syscall ").append(e && e->name ? e->name : "?").append(" (").append_int(nr).append(") returns ENOSYS\n");
      host().log(f.data(), f.size());
    }
  } else {
    SyscallResult r = e->handler(args);
    if (r.is_error()) {
      Errno err = r.error();
      // Internal codes never reach a program.
      if (err == Errno::would_block) err = Errno::eagain;
      result = -static_cast<i64>(err);
    } else {
      result = r.value();
    }
  }
  if (kernel_config().trace_all) trace_call(nr, e, args, result);
  return result;
}

ErrorOr wait_for_readiness(FileDescription& d, u32 events) {
  WaitQueue* q = d.file().wait_queue();
  if (!q) return Errno::eagain;
  Waiter w(current());
  q->add(w);
  if (d.file().readiness(events)) return {};
  return current().block(-1);
}

} // namespace wasmux
