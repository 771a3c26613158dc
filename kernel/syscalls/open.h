#pragma once
// open(2) as a kernel operation on any process: openat uses it for the caller, posix_spawn
// for the child's file actions.
#include "../fd/file_description.h"
#include "syscall.h"

namespace wasmux {

Result<RefPtr<FileDescription>> open_description(Process& p, i32 dirfd, std::string_view path, u32 flags, u32 mode);

} // namespace wasmux
