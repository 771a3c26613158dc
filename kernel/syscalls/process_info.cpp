// getpid, getppid, gettid, get[e]uid, get[e]gid, uname, sysinfo, prlimit64, getrlimit,
// setrlimit, set_tid_address, exit, exit_group, wasmux_startup_block, times,
// socket (no families yet).
#include "../signal/signal.h"
#include "../time/clocks.h"
#include "syscall.h"

namespace wasmux {

SyscallResult sys_getpid(const SyscallArgs&) { return current_process().pid(); }
SyscallResult sys_getppid(const SyscallArgs&) { return current_process().ppid(); }
SyscallResult sys_gettid(const SyscallArgs&) { return current().tid(); }
SyscallResult sys_getuid(const SyscallArgs&) { return current_process().credentials().uid; }
SyscallResult sys_geteuid(const SyscallArgs&) { return current_process().credentials().euid; }
SyscallResult sys_getgid(const SyscallArgs&) { return current_process().credentials().gid; }
SyscallResult sys_getegid(const SyscallArgs&) { return current_process().credentials().egid; }

// set_tid_address(2): the word the kernel zeroes (and wakes futex waiters on) when this
// thread ends; returns the caller's tid.
SyscallResult sys_set_tid_address(const SyscallArgs& a) {
  current().set_clear_child_tid(a.ptr(0));
  return current().tid();
}

SyscallResult sys_uname(const SyscallArgs& a) {
  abi::Utsname u{};
  auto put = [](u8* field, std::string_view s) { __builtin_memcpy(field, s.data(), min<usize>(s.size(), 64)); };
  // Programs test sysname against "Linux" to pick Linux behaviour, which is what we give.
  put(u.sysname, "Linux");
  put(u.nodename, "wasmux");
  put(u.release, "6.1.0-wasmux");
  put(u.version, "#1 wasmux");
  put(u.machine, "wasm32");
  put(u.domainname, "(none)");
  TRY(copy_out(a.ptr(0), u));
  return 0;
}

SyscallResult sys_sysinfo(const SyscallArgs& a) {
  abi::Sysinfo s{};
  s.uptime = static_cast<i32>(host().monotonic_ns() / 1000000000);
  s.totalram = 1u << 30; // the 1 GiB a process may address (mem_unit 1)
  s.freeram = 1u << 29;
  s.procs = static_cast<u16>(ProcessTable::the().count());
  s.mem_unit = 1;
  TRY(copy_out(a.ptr(0), s));
  return 0;
}

namespace {
ErrorOr rlimit_exchange(Process& p, u32 resource, UserAddr new_limit, UserAddr old_limit) {
  if (resource >= Process::rlimit_count) return Errno::einval;
  abi::Rlimit next{};
  if (new_limit) {
    next = TRY(copy_in<abi::Rlimit>(new_limit));
    if (next.rlim_cur > next.rlim_max) return Errno::einval;
    Rlimit& cur = p.rlimit(resource);
    // setrlimit(2): raising the hard limit needs privilege.
    if (next.rlim_max > cur.max && p.credentials().euid != 0) return Errno::eperm;
    if (resource == abi::rlimit_nofile && next.rlim_max > (1u << 20)) return Errno::eperm; // nr_open
  }
  if (old_limit) {
    Rlimit& cur = p.rlimit(resource);
    TRY(copy_out(old_limit, abi::Rlimit{cur.cur, cur.max}));
  }
  if (new_limit) p.rlimit(resource) = {next.rlim_cur, next.rlim_max};
  return {};
}
} // namespace

SyscallResult sys_prlimit64(const SyscallArgs& a) {
  i32 pid = a.i32_(0);
  Process* p = pid == 0 ? &current_process() : ProcessTable::the().find(pid);
  if (!p) return Errno::esrch;
  TRY(rlimit_exchange(*p, a.u32_(1), a.ptr(2), a.ptr(3)));
  return 0;
}

SyscallResult sys_getrlimit(const SyscallArgs& a) {
  TRY(rlimit_exchange(current_process(), a.u32_(0), 0, a.ptr(1)));
  return 0;
}

SyscallResult sys_setrlimit(const SyscallArgs& a) {
  TRY(rlimit_exchange(current_process(), a.u32_(0), a.ptr(1), 0));
  return 0;
}

// exit(2) ends the calling thread; the last thread to exit ends the process with its
// status (kernel/exit.c do_exit: the group is dead when its last thread goes).
SyscallResult sys_exit(const SyscallArgs& a) {
  Thread& t = current();
  if (t.process().live_thread_count() > 1)
    t.set_exiting(a.i32_(0) & 0xff);
  else
    t.process().exit(wait_status_exited(a.i32_(0)));
  return 0;
}

// exit_group(2): every thread of the process ends (kernel/exit.c do_group_exit,
// zap_other_threads).
SyscallResult sys_exit_group(const SyscallArgs& a) {
  kill_process(current_process(), wait_status_exited(a.i32_(0)));
  return 0;
}

// Program start (docs/guest-abi.md): argc, argv[], 0, envp[], 0, auxv pairs, strings.
SyscallResult sys_wasmux_startup_block(const SyscallArgs& a) {
  Process& p = current_process();
  UserAddr buf = a.ptr(0);
  usize size = a.size(1);
  constexpr u32 auxv_pairs = 9;
  constexpr u32 random_bytes = 16;
  usize words = 1 + p.argv().size() + 1 + p.envp().size() + 1 + auxv_pairs * 2;
  usize strings = 0;
  for (auto& s : p.argv()) strings += s.length() + 1;
  for (auto& s : p.envp()) strings += s.length() + 1;
  usize total = words * 4 + random_bytes + strings;
  if (size < total) return static_cast<i64>(total);
  Vector<u32> head;
  Vector<char> tail;
  UserAddr random_at = buf + static_cast<u32>(words * 4);
  UserAddr str_at = random_at + random_bytes;
  head.append(static_cast<u32>(p.argv().size()));
  auto add_strings = [&](Vector<String>& list) {
    for (auto& s : list) {
      head.append(str_at + static_cast<u32>(tail.size()));
      for (char c : s.view()) tail.append(c);
      tail.append('\0');
    }
    head.append(0);
  };
  add_strings(p.argv());
  add_strings(p.envp());
  Credentials& c = p.credentials();
  u32 execfn = p.argv().empty() ? 0 : head[1];
  u32 aux[auxv_pairs * 2] = {static_cast<u32>(abi::at_pagesz), 4096, static_cast<u32>(abi::at_uid), c.uid,
                              static_cast<u32>(abi::at_euid), c.euid, static_cast<u32>(abi::at_gid), c.gid,
                              static_cast<u32>(abi::at_egid), c.egid, static_cast<u32>(abi::at_secure), 0,
                              static_cast<u32>(abi::at_random), random_at, static_cast<u32>(abi::at_execfn), execfn,
                              static_cast<u32>(abi::at_null), 0};
  for (u32 v : aux) head.append(v);
  u8 random[random_bytes];
  host().random_bytes(random, sizeof random);
  TRY(UserPtr<u32>(buf).write_array(head.data(), head.size()));
  TRY(UserPtr<u8>(random_at).write_array(random, sizeof random));
  TRY(UserPtr<char>(str_at).write_array(tail.data(), tail.size()));
  return static_cast<i64>(total);
}

// times(2): CPU times in clock ticks (100 a second, sysconf(_SC_CLK_TCK)); the result is
// ticks since boot. System time is not told apart from user time here: all goes to user.
SyscallResult sys_times(const SyscallArgs& a) {
  constexpr i64 ns_per_tick = 10000000;
  Process& p = current_process();
  if (a.ptr(0)) {
    abi::Tms t{};
    t.tms_utime = static_cast<i32>(process_cpu_ns(p) / ns_per_tick);
    t.tms_cutime = static_cast<i32>(p.children_cpu_ns() / ns_per_tick);
    TRY(copy_out(a.ptr(0), t));
  }
  // A clock_t is 32-bit here: keep the count positive, away from the -errno range.
  return (host().monotonic_ns() / ns_per_tick) & 0x7fffffff;
}

} // namespace wasmux
