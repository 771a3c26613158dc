#pragma once
// hostfs: a directory of the host mounted into the guest, only where the user asks. Each
// inode is a path relative to the mount's root, built from checked components only (no
// "/", no ".."), so nothing outside the host directory can be named; ".." at the mount
// root and symlink targets resolve in the guest's namespace (the VFS walks them), so they
// cannot lead out either.
#include "../../vfs/inode.h"

namespace wasmux {

ErrorOr mount_host_directory(std::string_view guest_path, u32 mount_id);

} // namespace wasmux
