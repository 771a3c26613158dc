#pragma once
// Signal-driven I/O (fcntl(2) "Managing signals", Linux fs/fcntl.c): a description with
// O_ASYNC sends its owner (F_SETOWN: a process, a process group, or with F_SETOWN_EX a
// thread) SIGIO, or the signal F_SETSIG chose with the fd and the event in its siginfo,
// when its file becomes readable or writable, has an error or hangs up. The owner and the
// signal belong to the open file description, shared by dup and fork.
#include "../base/result.h"
#include "../base/types.h"
#include <wasmux/abi.h>

namespace wasmux {

class FileDescription;
class AsyncRegistration;

struct FileOwner {
  // F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP; a new description's is {TID, 0}, as
  // F_GETOWN_EX reports it on Linux.
  i32 type{abi::f_owner_tid};
  i32 id{0}; // 0: no owner, no signal
  // Whoever set it: the permission to signal is theirs (fs/fcntl.c sigio_perm).
  u32 uid{0}, euid{0};
};

// The description's signal-driven I/O state.
struct AsyncIo {
  FileOwner owner;
  i32 signal{0}; // F_SETSIG: 0 is SIGIO without the event's details
  // While O_ASYNC is on, for a file that supports it: the entries on the file's queues.
  AsyncRegistration* registration{nullptr};
  // What si_fd says: the descriptor O_ASYNC was last turned on through.
  i32 fd{-1};
};

// F_SETOWN (negative: a process group) and F_SETOWN_EX: ESRCH when no such process, group
// or thread exists; id 0 removes the owner.
ErrorOr set_file_owner(FileDescription& d, i32 type, i32 id);
// F_GETOWN's answer: the owner's id, negative for a group.
i32 file_owner_for_getown(FileDescription& d);
// O_ASYNC on or off (F_SETFL, FIOASYNC) through descriptor fd. False when the file has no
// signal-driven I/O (a regular file, an eventfd): FIOASYNC then fails with ENOTTY, F_SETFL
// succeeds, and the flag stays off (Linux ioctl_fioasync, setfl: only a fasync method
// sets FASYNC).
bool set_async(FileDescription& d, bool on, i32 fd);
// The description is going (its destructor): the registration goes first.
void release_async(FileDescription& d);

} // namespace wasmux
