#pragma once
// The File of a regular file or directory opened through the VFS.
#include "../fd/file.h"
#include "inode.h"

namespace wasmux {

class InodeFile : public File {
public:
  explicit InodeFile(RefPtr<Inode> inode) : m_inode(std::move(inode)) {}

  Result<usize> read(FileDescription&, const IoBuffer&, i64 offset) override;
  Result<usize> write(FileDescription&, const IoBuffer&, i64 offset) override;
  bool is_seekable() const override { return true; }
  Result<i64> size() override { return m_inode->metadata().size; }
  Result<i64> seek(FileDescription& d, i64 offset, i32 whence) override;
  ErrorOr stat(abi::Stat& out) override;
  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override;
  ErrorOr sync() override { return m_inode->sync(); }
  Result<usize> getdents(FileDescription&, const IoBuffer&) override;
  ErrorOr truncate(i64 length) override;
  void describe(Formatter& f) const override;
  Inode* inode() override { return m_inode.ptr(); }
  bool is_directory() const override { return m_inode->metadata().is_dir(); }

private:
  RefPtr<Inode> m_inode;
};

// Fills a struct stat from inode metadata.
void fill_stat(Inode& inode, abi::Stat& out);

} // namespace wasmux
