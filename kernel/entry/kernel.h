#pragma once
// Kernel-wide operations the host drives (boot, host-started processes), shared by the
// wasm exports and the native tests.
#include "../base/result.h"
#include "../proc/process.h"

namespace wasmux {

struct BootOptions {
  bool trace_all{false};
  bool trace_unimplemented{false};
  bool trace_times{false}; // each traced call starts with the seconds since boot
  bool host_network{false}; // sockets may reach the host's network (net/host_net.h)
  bool stdio_is_tty[3]{false, false, false};
  u16 rows{24}, cols{80};
  u32 cpus{1};
};

// Creates the root tmpfs, /dev, /tmp and init (pid 1). Call once, with the lock held.
ErrorOr kernel_boot(const BootOptions& options);

// A process started by the host: stdio on the host's streams, the given argv/envp/cwd.
Result<RefPtr<Process>> create_host_process(Vector<String> argv, Vector<String> envp, std::string_view cwd);

// Binds the calling kernel instance to a process's main thread (a new one).
Result<Thread*> attach_thread(Process& process, u32 heap_base);

// The worker running thread's guest finished: returned (signal 0) or trapped, the host
// naming the signal the trap stands for (SIGSEGV, SIGILL, SIGFPE). Returns the process's
// wait status when it has ended with this, its last thread, else thread_goes_on.
inline constexpr i32 thread_goes_on = -1;
i32 finish_thread(i32 signal);

// Binds the calling kernel instance to thread tid of process pid, made by clone and not
// started yet. Its start record, or ESRCH when it is not to run (its process or itself
// ended meanwhile; then it is finished here, and ended_status tells what finish_thread
// told).
Result<const abi::CloneStart*> attach_cloned_thread(i32 pid, i32 tid, i32& ended_status);

// fork(2) of the calling thread's process, driven by its worker once the guest's stack is
// unwound: a child sharing the open file descriptions and copying everything else the
// kernel keeps (the worker copies the memory). Returns the child's pid.
Result<i32> fork_current_process();

// Creates directories along path in the root file system (mkdir -p).
Result<RefPtr<Custody>> make_directories(std::string_view path);

// The kernel-internal process (pid 1) whose threads run host services (stdin reader).
Process& init_process();

} // namespace wasmux
