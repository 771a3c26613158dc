#pragma once
// Signal generation, job control and parent notification (Linux kernel/signal.c), and the
// kernel's side of delivery (delivery.cpp). Everything here runs with the big lock held.
#include "../base/refptr.h"
#include "signal_state.h"

namespace wasmux {

class Process;
class Thread;

// A siginfo for sig with code; SI_USER, SI_TKILL and SI_QUEUE name the calling process as
// the sender (pid 0 and uid 0 when the kernel sends).
abi::Siginfo make_siginfo(i32 sig, i32 code);

// kill(2) permission: a privileged sender, or a real or effective uid equal to the target's
// real or saved uid; SIGCONT may always go to a process of the same session.
bool may_signal(Process& sender, Process& target, i32 sig);

// Generates a signal (Linux send_signal + complete_signal): stop signals and SIGCONT act
// on each other at once; an ignored signal is discarded (unless blocked); SIGKILL and an
// unblocked fatal signal end the process now; otherwise it is queued and a thread that
// can take it is woken. False when a real-time signal could not be queued (EAGAIN).
bool send_signal(Process& target, const abi::Siginfo& info);
bool send_signal_to_thread(Thread& target, const abi::Siginfo& info);

// Ends a process with a wait status (a fatal signal, SIGKILL): its threads in user code
// have their workers terminated by the host, those in the kernel leave at kernel exit.
void kill_process(Process& p, i32 wait_status);
// Ends every thread of p but the caller (execve's de_thread): threads in user code have
// their workers terminated, those in the kernel leave at their next wake-up.
void end_other_threads(Process& p, i32 wait_status);

// A thread killed in user code stays allocated until the host has terminated its worker:
// until then that worker may still look at the thread's run state (and find it killed).
// The host says when it is gone.
void release_killed_thread(i32 tid);

// Job control: stops (the parent learns it: SIGCHLD with CLD_STOPPED unless SA_NOCLDSTOP,
// and wait's WUNTRACED) or resumes (CLD_CONTINUED, WCONTINUED) a process.
void stop_process(Process& p, i32 sig);
void continue_process(Process& p);

// A child ended: SIGCHLD for the parent, its waiters woken; a parent that ignores SIGCHLD
// or set SA_NOCLDWAIT does not keep zombies (wait(2) NOTES), so the child is reaped now.
void notify_parent_of_exit(Process& child);

// POSIX "orphaned process group": no member (but ignore) has a parent in another group
// of the same session.
bool is_orphaned_group(i32 pgid, Process* ignore);

// exiting has just ended and handed its children to init: a process group orphaned by that
// which has a stopped member gets SIGHUP then SIGCONT (POSIX "_exit", Linux
// kill_orphaned_pgrp): its own group, and each former child's.
void hang_up_orphaned_groups(Process& exiting, const Vector<RefPtr<Process>>& children);

// Signals thread could take now (pending for it or its process, not blocked).
SigSet deliverable_signals(Thread& t);

// The kernel's part of delivery, at kernel exit (Linux get_signal): performs the default
// actions of deliverable signals (discard, stop and park until continued, end the process)
// until one has a handler. Returns that signal, taken from its queue into info, or 0 when
// none is left (or the process ended). With peek, the signal stays queued.
i32 next_signal_for_handler(Thread& t, abi::Siginfo& info, bool peek);

// Parks the calling thread while its process is stopped (until SIGCONT or its end).
void park_while_stopped(Thread& t);

} // namespace wasmux
