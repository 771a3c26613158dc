#include "anon_file.h"

#include "../syscalls/syscall.h"
#include "file_description.h"

namespace wasmux {

Result<i32> install_anon_file(RefPtr<File> file, u32 flags) {
  Process& p = current_process();
  u32 status = abi::o_rdwr | (flags & static_cast<u32>(abi::o_nonblock));
  auto d = make_ref<FileDescription>(std::move(file), status);
  return p.fds().allocate(std::move(d), flags & abi::o_cloexec, 0, p.nofile_limit());
}

} // namespace wasmux
