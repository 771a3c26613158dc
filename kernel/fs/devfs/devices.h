#pragma once
// Character devices of /dev.
#include "../../fd/file.h"
#include "../tmpfs/tmpfs.h"

namespace wasmux {

// An inode in devfs whose open() produces a device File.
class DeviceNode final : public TmpfsInode {
public:
  using Factory = Result<RefPtr<File>> (*)();
  DeviceNode(u64 device, u32 mode, u64 rdev, Factory factory);
  Result<RefPtr<File>> open(u32) override { return m_factory(); }
  Result<usize> read_at(i64, const IoBuffer&) override { return Errno::einval; }
  Result<usize> write_at(i64, const IoBuffer&) override { return Errno::einval; }
  ErrorOr truncate(i64) override { return {}; } // O_TRUNC on a device is ignored

private:
  Factory m_factory;
};

// Builds /dev (a tmpfs directory with device nodes) and mounts it.
ErrorOr mount_devfs();

} // namespace wasmux
