#pragma once
// Path arguments of the *at() family: a directory descriptor plus a user path.
#include "../vfs/vfs.h"
#include "syscall.h"

namespace wasmux {

// The directory a relative path starts from: the cwd for AT_FDCWD, else dirfd's directory.
Result<RefPtr<Custody>> base_for_dirfd(i32 dirfd);
Result<RefPtr<Custody>> base_for_dirfd(Process& p, i32 dirfd);
Result<String> copy_path_in(UserAddr upath);
// Resolves (dirfd, upath). With AT_EMPTY_PATH in at_flags an empty path names dirfd itself.
Result<RefPtr<Custody>> resolve_at(i32 dirfd, UserAddr upath, u32 at_flags, Follow follow);
Result<ResolvedParent> resolve_parent_at(i32 dirfd, UserAddr upath);

} // namespace wasmux
