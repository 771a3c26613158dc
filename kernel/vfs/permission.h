#pragma once
// Discretionary access control: the owner/group/other mode bits checked against the calling
// process's effective ids, as Linux's generic_permission (fs/namei.c) does. Root (euid 0)
// may read and write anything and search any directory, and may execute a file when any of
// its execute bits is set (CAP_DAC_OVERRIDE). Kernel work with no calling process (boot,
// host services) is not checked. There are no supplementary groups yet.
#include "inode.h"

namespace wasmux {

enum : u32 { may_exec = 1, may_write = 2, may_read = 4 };

// EACCES unless the caller may do all of mask (may_read | may_write | may_exec) to inode.
ErrorOr inode_permission(Inode& inode, u32 mask);
// The same for given ids (access(2) checks with the real ones).
ErrorOr permission_for(const InodeMetadata& md, u32 uid, u32 gid, u32 mask);

// Adding an entry to dir (creat, mkdir, link, symlink, the target of rename): write and
// search permission on it.
ErrorOr may_create(Inode& dir);

// Removing victim's entry from dir (unlink, rmdir, the source of rename): write and search
// permission on dir and, when dir is sticky (S_ISVTX, as /tmp), owning dir or victim
// (EPERM otherwise; Linux may_delete and check_sticky).
ErrorOr may_delete(Inode& dir, Inode& victim);

} // namespace wasmux
