#include "permission.h"
#include "../proc/process.h"
#include "../proc/thread.h"

namespace wasmux {

namespace {
// The caller's credentials, or nullptr for kernel work (no calling thread).
const Credentials* caller() {
  Thread* t = current_thread();
  return t ? &t->process().credentials() : nullptr;
}
} // namespace

ErrorOr permission_for(const InodeMetadata& md, u32 uid, u32 gid, u32 mask) {
  if (mask == 0) return {};
  if (uid == 0) {
    // Linux generic_permission: read and write always; execute of a non-directory only
    // when some execute bit is set.
    if ((mask & may_exec) && !md.is_dir() && !(md.mode & 0111)) return Errno::eacces;
    return {};
  }
  u32 bits = uid == md.uid ? md.mode >> 6 : gid == md.gid ? md.mode >> 3 : md.mode;
  if ((bits & mask & 7) != (mask & 7)) return Errno::eacces;
  return {};
}

ErrorOr inode_permission(Inode& inode, u32 mask) {
  const Credentials* c = caller();
  if (!c) return {};
  return permission_for(inode.metadata(), c->euid, c->egid, mask);
}

ErrorOr may_create(Inode& dir) { return inode_permission(dir, may_write | may_exec); }

ErrorOr may_delete(Inode& dir, Inode& victim) {
  TRY(inode_permission(dir, may_write | may_exec));
  const Credentials* c = caller();
  InodeMetadata d = dir.metadata();
  if (c && c->euid != 0 && (d.mode & abi::s_isvtx) && c->euid != d.uid && c->euid != victim.metadata().uid)
    return Errno::eperm;
  return {};
}

} // namespace wasmux
