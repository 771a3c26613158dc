#pragma once
// Advisory file locks (Linux fs/locks.c): POSIX record locks (fcntl F_SETLK, F_SETLKW,
// F_GETLK), open-file-description locks (F_OFD_*), and flock(2) locks, each kind in its
// own space as on Linux (flock and fcntl locks do not see each other).
//   - A POSIX lock belongs to a descriptor table (a process, or threads sharing one):
//     closing any descriptor of the file releases that owner's locks on it, and so does
//     the owner's end; a child of fork does not inherit them. A wait that would close a
//     cycle of owners waiting for each other is EDEADLK.
//   - An OFD or flock lock belongs to an open file description: dup and fork share it,
//     and it goes with the description's last descriptor.
#include "../base/result.h"
#include "../base/types.h"
#include <wasmux/abi.h>

namespace wasmux {

class FdTable;
class FileDescription;

enum class LockSpace : u8 { posix, ofd, flock };

struct LockRequest {
  i16 type; // F_RDLCK, F_WRLCK, F_UNLCK
  i64 start;
  i64 end; // inclusive; INT64_MAX: to the end of the file, however it grows
};

// Sets or clears a lock of `space` on d's file for the caller (blocking with `wait` until
// it can be had, interruptibly; EAGAIN without; EDEADLK for a POSIX wait that would
// deadlock).
ErrorOr set_lock(LockSpace space, FileDescription& d, const LockRequest& r, bool wait);
// F_GETLK: the first lock that would conflict with r (its type F_UNLCK when none); pid is
// the holder's for POSIX locks and -1 for OFD ones.
LockRequest test_lock(LockSpace space, FileDescription& d, const LockRequest& r, i32& pid);

// The descriptor table `owner` closed a descriptor of d's file, or ended: its POSIX locks
// on the file go (fcntl(2): "the locks are released when any descriptor is closed").
void release_posix_locks(const FdTable* owner, FileDescription& d);

// Locks held now, for tests and the state dump.
usize lock_count();

} // namespace wasmux
