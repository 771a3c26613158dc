#include "file_description.h"

#include "../event/fsnotify.h"
#include "../vfs/custody.h"

namespace wasmux {

FileDescription::FileDescription(RefPtr<File> file, u32 flags, RefPtr<Custody> custody)
    : m_file(std::move(file)), m_custody(std::move(custody)), m_flags(flags & ~static_cast<u32>(abi::o_cloexec)) {
  m_file->on_open(*this);
}

FileDescription::~FileDescription() {
  release_async(*this);
  m_watches.for_each([](DescriptionWatch& w) { w.description_released(); });
  if (m_custody && !is_path_only()) fsnotify(*m_custody, is_writable() ? abi::in_close_write : abi::in_close_nowrite);
  m_file->on_last_close(*this);
}

void FileDescription::set_status_flags(u32 flags) {
  u32 changeable = static_cast<u32>(abi::o_append | abi::o_nonblock | abi::o_async | abi::o_direct | abi::o_noatime);
  m_flags = (m_flags & ~changeable) | (flags & changeable);
}

bool FileDescription::is_readable() const {
  if (m_flags & abi::o_path) return false;
  u32 acc = m_flags & abi::o_accmode;
  return acc == abi::o_rdonly || acc == abi::o_rdwr;
}

bool FileDescription::is_writable() const {
  if (m_flags & abi::o_path) return false;
  u32 acc = m_flags & abi::o_accmode;
  return acc == abi::o_wronly || acc == abi::o_rdwr;
}

} // namespace wasmux
