// The kernel's state in a few lines, for a host that wants to see why something waits
// (bin/wasmux prints it on SIGUSR2): each process, its threads, where they are.
#include "state_dump.h"

#include "../base/arch.h"
#include "../base/format.h"
#include "../base/heap.h"
#include "../fd/file_description.h"
#include "../host/host_port.h"
#include "../syscalls/syscall.h"
#include "big_lock.h"

namespace wasmux {

namespace {

void dump_processes() {
  ProcessTable::the().for_each([&](Process& p) {
    Formatter f;
    f.append("pid ").append_int(p.pid()).append(" ppid ").append_int(p.ppid()).append(" pgid ").append_int(p.pgid());
    f.append(p.has_exited() ? " exited " : p.stopped() ? " stopped " : " running ");
    if (p.has_exited()) f.append("status 0x").append_hex(static_cast<u64>(p.wait_status())).append(" ");
    f.append("pending 0x").append_hex(p.shared_pending().pending());
    if (!p.argv().empty()) f.append(" ").append_escaped(p.argv()[0].view(), 48);
    f.append("\n");
    // Raw pointers only: this may run without the lock, and reference counts may change
    // only under it.
    for (i32 fd = 0; fd < p.fds().slot_count(); ++fd) {
      FdTable::Entry* e = p.fds().entry(fd);
      if (!e || !e->description) continue;
      FileDescription* d = e->description.ptr();
      f.append("  fd ").append_int(fd).append(" ");
      d->file().describe(f);
      f.append(" (description held ").append_int(d->ref_count()).append("x)\n");
    }
    p.for_each_thread([&](Thread& t) {
      f.append("  tid ").append_int(t.tid()).append(" ").append(t.run_state_name());
      if (t.sleeping()) f.append(" asleep (wake word ").append_int(t.wake_word()).append(")");
      if (t.exiting()) f.append(" exiting");
      if (t.current_syscall() >= 0) f.append(" in ").append(syscall_name(t.current_syscall()));
      f.append(" blocked 0x")
          .append_hex(t.blocked())
          .append(" pending 0x")
          .append_hex(t.pending().pending())
          .append("\n");
    });
    host().log(f.data(), f.size());
  });
}

} // namespace

void dump_kernel_state() {
  Formatter f;
  f.append("---- wasmux kernel state ----\n");
  // A lock that stays taken is itself the finding; the tables are then read as they are.
  bool locked = false;
  for (int i = 0; i < 1000 && !locked; ++i) {
    locked = big_lock().try_lock();
    if (!locked) host().monotonic_ns(); // a short pause (a host call) between tries
  }
  if (!locked) f.append("(the big lock stays held: read without it)\n");
  f.append("kernel heap: ").append_int(static_cast<i64>(kernel_heap_in_use() >> 10)).append(" KiB in use of ");
  f.append_int(static_cast<i64>(kernel_heap_size() >> 10)).append(" KiB");
  const char* broken = kernel_heap_check();
  f.append(broken ? ", inconsistent: " : ", consistent").append(broken ? broken : "").append("\n");
  f.append("wake-ups lost and recovered by a sleep's time slice: ").append_int(static_cast<i64>(arch::lost_wakeups())).append("\n");
  // Printed a process at a time: read without the lock, a table may be caught mid-change
  // and the dump trap part-way; what came before is still seen.
  host().log(f.data(), f.size());
  dump_processes();
  if (locked) big_lock().unlock();
}

} // namespace wasmux
