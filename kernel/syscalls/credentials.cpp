// setuid, setgid, setreuid, setregid, setresuid, setresgid, getresuid, getresgid,
// getgroups, setgroups (credentials(7)). Root (euid 0) may set any id; others may only
// move among their real, effective and saved ids.
#include "syscall.h"

namespace wasmux {

namespace {

constexpr u32 unchanged = 0xffffffffu;

bool may_use(const Credentials& c, u32 id, bool group) {
  if (c.euid == 0) return true;
  return group ? (id == c.gid || id == c.egid || id == c.sgid) : (id == c.uid || id == c.euid || id == c.suid);
}

SyscallResult set_res(u32 r, u32 e, u32 s, bool group) {
  Credentials& c = current_process().credentials();
  for (u32 id : {r, e, s})
    if (id != unchanged && !may_use(c, id, group)) return Errno::eperm;
  u32& real = group ? c.gid : c.uid;
  u32& effective = group ? c.egid : c.euid;
  u32& saved = group ? c.sgid : c.suid;
  if (r != unchanged) real = r;
  if (e != unchanged) effective = e;
  if (s != unchanged) saved = s;
  return 0;
}

SyscallResult get_res(UserAddr r, UserAddr e, UserAddr s, bool group) {
  Credentials& c = current_process().credentials();
  TRY(copy_out(r, group ? c.gid : c.uid));
  TRY(copy_out(e, group ? c.egid : c.euid));
  TRY(copy_out(s, group ? c.sgid : c.suid));
  return 0;
}

// setuid(2): root sets all three ids; others only the effective one, to the real or saved.
SyscallResult set_one(u32 id, bool group) {
  Credentials& c = current_process().credentials();
  if (id == unchanged) return Errno::einval;
  if (c.euid == 0) return set_res(id, id, id, group);
  if (id != (group ? c.gid : c.uid) && id != (group ? c.sgid : c.suid)) return Errno::eperm;
  return set_res(unchanged, id, unchanged, group);
}

// setreuid(2): the saved id follows the effective one when the real one is set or the
// effective one moves away from the real one.
SyscallResult set_re(u32 r, u32 e, bool group) {
  Credentials& c = current_process().credentials();
  u32 real = group ? c.gid : c.uid;
  u32 s =
      (r != unchanged || (e != unchanged && e != real)) ? (e != unchanged ? e : (group ? c.egid : c.euid)) : unchanged;
  if (c.euid != 0) {
    if (r != unchanged && r != real && r != (group ? c.egid : c.euid)) return Errno::eperm;
    if (e != unchanged && !may_use(c, e, group)) return Errno::eperm;
  }
  return set_res(r, e, s, group);
}

} // namespace

SyscallResult sys_setuid(const SyscallArgs& a) { return set_one(a.u32_(0), false); }
SyscallResult sys_setgid(const SyscallArgs& a) { return set_one(a.u32_(0), true); }
SyscallResult sys_setreuid(const SyscallArgs& a) { return set_re(a.u32_(0), a.u32_(1), false); }
SyscallResult sys_setregid(const SyscallArgs& a) { return set_re(a.u32_(0), a.u32_(1), true); }
SyscallResult sys_setresuid(const SyscallArgs& a) { return set_res(a.u32_(0), a.u32_(1), a.u32_(2), false); }
SyscallResult sys_setresgid(const SyscallArgs& a) { return set_res(a.u32_(0), a.u32_(1), a.u32_(2), true); }
SyscallResult sys_getresuid(const SyscallArgs& a) { return get_res(a.ptr(0), a.ptr(1), a.ptr(2), false); }
SyscallResult sys_getresgid(const SyscallArgs& a) { return get_res(a.ptr(0), a.ptr(1), a.ptr(2), true); }

// Supplementary groups: none are kept yet; setgroups needs privilege, as on Linux.
SyscallResult sys_getgroups(const SyscallArgs& a) {
  if (a.i32_(0) < 0) return Errno::einval;
  return 0;
}

SyscallResult sys_setgroups(const SyscallArgs& a) {
  if (current_process().credentials().euid != 0) return Errno::eperm;
  if (a.i32_(0) < 0 || a.i32_(0) > 65536) return Errno::einval;
  return 0;
}

} // namespace wasmux
