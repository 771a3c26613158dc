// wait4, waitid, getrusage; process groups and sessions: setpgid, getpgid, getsid, setsid.
#include "../time/clocks.h"
#include "syscall.h"

namespace wasmux {

namespace {

enum class Select { any, pid, pgid };

struct WaitRequest {
  Select select;
  i32 id;
  bool nohang;
  bool nowait;    // waitid WNOWAIT: report, leave the child as it is
  bool exited;    // report children that ended (always for wait4)
  bool stopped;   // WUNTRACED / WSTOPPED
  bool continued; // WCONTINUED
};

struct Reaped {
  i32 pid{0};
  i32 status{0}; // a wait4 status: exited, signaled, stopped ((sig << 8) | 0x7f), continued (0xffff)
  i32 code{0};   // the waitid si_code (CLD_*)
  i32 si_status{0};
  u32 uid{0};
  i64 cpu_ns{0};
};

bool matches(Process& parent, Process& child, const WaitRequest& w) {
  if (child.ppid() != parent.pid()) return false;
  switch (w.select) {
  case Select::any: return true;
  case Select::pid: return child.pid() == w.id;
  case Select::pgid: return child.pgid() == w.id;
  }
  return false;
}

// What child has to report under w, if anything (Linux wait_consider_task: an exit first,
// then a stop, then a continue).
bool report_of(Process& child, const WaitRequest& w, Reaped& r) {
  r.pid = child.pid();
  r.uid = child.credentials().uid;
  if (child.has_exited()) {
    if (!w.exited) return false;
    r.status = child.wait_status();
    r.cpu_ns = child.cpu_ns() + child.children_cpu_ns();
    i32 sig = r.status & 0x7f;
    r.code = sig == 0 ? abi::cld_exited : (r.status & 0x80) ? abi::cld_dumped : abi::cld_killed;
    r.si_status = sig == 0 ? (r.status >> 8) & 0xff : sig;
    return true;
  }
  if (w.stopped && child.job_report() == Process::JobReport::stopped) {
    r.status = (child.stop_signal() << 8) | 0x7f;
    r.code = abi::cld_stopped;
    r.si_status = child.stop_signal();
    return true;
  }
  if (w.continued && child.job_report() == Process::JobReport::continued) {
    r.status = 0xffff;
    r.code = abi::cld_continued;
    r.si_status = abi::sigcont;
    return true;
  }
  return false;
}

// The wait loop shared by wait4 and waitid (Linux kernel/exit.c do_wait): ECHILD without
// a matching child, a report taken (a zombie reaped), else block until a child changes.
Result<Reaped> wait_for_child(const WaitRequest& w) {
  Process& parent = current_process();
  for (;;) {
    bool any = false;
    Process* found = nullptr;
    Reaped r;
    ProcessTable::the().for_each([&](Process& child) {
      if (found || !matches(parent, child, w)) return;
      any = true;
      if (report_of(child, w, r)) found = &child;
    });
    if (!any) return Errno::echild;
    if (found) {
      if (!w.nowait) {
        if (found->has_exited()) {
          parent.add_children_cpu_ns(r.cpu_ns);
          ProcessTable::the().remove(r.pid);
        } else {
          found->set_job_report(Process::JobReport::none);
        }
      }
      return r;
    }
    if (w.nohang) return Reaped{};
    ThreadWaiter waiter(current());
    parent.child_waiters().add(waiter);
    TRY(current().block(-1));
  }
}

// All CPU time counts as user time: the host cannot tell the kernel's share apart.
ErrorOr write_rusage(UserAddr addr, i64 cpu_ns) {
  if (!addr) return {};
  abi::Rusage ru{};
  ru.utime_sec = static_cast<i32>(cpu_ns / 1000000000);
  ru.utime_usec = static_cast<i32>(cpu_ns % 1000000000 / 1000);
  return copy_out(addr, ru);
}

} // namespace

SyscallResult sys_wait4(const SyscallArgs& a) {
  i32 pid = a.i32_(0);
  u32 options = a.u32_(2);
  if (options & ~static_cast<u32>(abi::wnohang | abi::wuntraced | abi::wcontinued | abi::__wnothread | abi::__wall |
                                  abi::__wclone))
    return Errno::einval;
  // Before -pid below: negating INT_MIN overflows (Linux kernel/exit.c answers ESRCH).
  if (pid == INT32_MIN) return Errno::esrch;
  // waitpid(2): -1 any child, 0 the caller's group, < -1 group -pid, > 0 that child.
  WaitRequest w{pid == -1 ? Select::any
                : pid > 0 ? Select::pid
                          : Select::pgid,
                pid == 0  ? current_process().pgid()
                : pid < 0 ? -pid
                          : pid,
                (options & abi::wnohang) != 0,
                false,
                true,
                (options & abi::wuntraced) != 0,
                (options & abi::wcontinued) != 0};
  Reaped r = TRY(wait_for_child(w));
  if (r.pid && a.ptr(1)) TRY(copy_out(a.ptr(1), r.status));
  if (r.pid) TRY(write_rusage(a.ptr(3), r.cpu_ns));
  return r.pid;
}

SyscallResult sys_waitid(const SyscallArgs& a) {
  i32 idtype = a.i32_(0);
  i32 id = a.i32_(1);
  u32 options = a.u32_(3);
  if (options & ~static_cast<u32>(abi::wnohang | abi::wexited | abi::wstopped | abi::wcontinued | abi::wnowait |
                                  abi::__wnothread | abi::__wall | abi::__wclone))
    return Errno::einval;
  if (!(options & (abi::wexited | abi::wstopped | abi::wcontinued))) return Errno::einval;
  WaitRequest w{Select::any,
                0,
                (options & abi::wnohang) != 0,
                (options & abi::wnowait) != 0,
                (options & abi::wexited) != 0,
                (options & abi::wstopped) != 0,
                (options & abi::wcontinued) != 0};
  switch (idtype) {
  case abi::p_all: break;
  case abi::p_pid:
    if (id <= 0) return Errno::einval;
    w.select = Select::pid;
    w.id = id;
    break;
  case abi::p_pgid:
    if (id < 0) return Errno::einval;
    w.select = Select::pgid;
    w.id = id == 0 ? current_process().pgid() : id;
    break;
  default: return Errno::einval;
  }
  Reaped r = TRY(wait_for_child(w));
  if (a.ptr(2)) {
    abi::SiginfoChild info{};
    if (r.pid) {
      info.si_signo = abi::sigchld;
      info.si_pid = r.pid;
      info.si_uid = r.uid;
      info.si_code = r.code;
      info.si_status = r.si_status;
    }
    // waitid(2): with WNOHANG and no child ready, si_pid (and the rest) read zero.
    TRY(copy_out(a.ptr(2), info));
  }
  if (r.pid) TRY(write_rusage(a.ptr(4), r.cpu_ns));
  return 0;
}

SyscallResult sys_getrusage(const SyscallArgs& a) {
  Process& p = current_process();
  i64 ns;
  switch (a.i32_(0)) {
  case 0: ns = process_cpu_ns(p); break;           // RUSAGE_SELF
  case 1: ns = thread_cpu_ns(current()); break;    // RUSAGE_THREAD
  case -1: ns = p.children_cpu_ns(); break;         // RUSAGE_CHILDREN
  default: return Errno::einval;
  }
  TRY(write_rusage(a.ptr(1), ns));
  return 0;
}

SyscallResult sys_getpgid(const SyscallArgs& a) {
  i32 pid = a.i32_(0);
  Process* p = pid == 0 ? &current_process() : ProcessTable::the().find(pid);
  if (!p) return Errno::esrch;
  return p->pgid();
}

SyscallResult sys_getsid(const SyscallArgs& a) {
  i32 pid = a.i32_(0);
  Process* p = pid == 0 ? &current_process() : ProcessTable::the().find(pid);
  if (!p) return Errno::esrch;
  return p->sid();
}

// setpgid(2): the caller or one of its children, within the caller's session; a session
// leader cannot move; the target group must exist in the session unless it is new.
SyscallResult sys_setpgid(const SyscallArgs& a) {
  Process& self = current_process();
  i32 pid = a.i32_(0) == 0 ? self.pid() : a.i32_(0);
  i32 pgid = a.i32_(1) == 0 ? pid : a.i32_(1);
  if (pgid < 0) return Errno::einval;
  Process* target = ProcessTable::the().find(pid);
  if (!target || (target != &self && target->ppid() != self.pid())) return Errno::esrch;
  if (target->sid() != self.sid()) return Errno::eperm;
  if (target->sid() == target->pid()) return Errno::eperm;
  if (pgid != pid) {
    bool exists = false;
    ProcessTable::the().for_each([&](Process& q) { exists |= q.pgid() == pgid && q.sid() == self.sid(); });
    if (!exists) return Errno::eperm;
  }
  target->set_pgid(pgid);
  return 0;
}

// setsid(2): EPERM for a process group leader; else a new session and group.
SyscallResult sys_setsid(const SyscallArgs&) {
  Process& self = current_process();
  bool leads_group = false;
  ProcessTable::the().for_each([&](Process& q) { leads_group |= q.pgid() == self.pid(); });
  if (leads_group) return Errno::eperm;
  self.set_sid(self.pid());
  self.set_pgid(self.pid());
  return self.pid();
}

} // namespace wasmux
