#pragma once
// A Custody is an inode reached by a path: it remembers the directory it was reached from
// and its name there, which is what getcwd and ".." need (the name a dentry gives Linux).
#include "../base/refptr.h"
#include "../base/vector.h"
#include "inode.h"

namespace wasmux {

class Custody : public RefCounted<Custody> {
public:
  Custody(RefPtr<Custody> parent, std::string_view name, RefPtr<Inode> inode)
      : m_parent(std::move(parent)), m_name(name), m_inode(std::move(inode)) {}

  Custody* parent() { return m_parent.ptr(); }
  RefPtr<Custody> parent_ref() { return m_parent; }
  std::string_view name() const { return m_name.view(); }
  Inode& inode() { return *m_inode; }
  RefPtr<Inode> inode_ref() { return m_inode; }
  String absolute_path() const;

private:
  RefPtr<Custody> m_parent;
  String m_name;
  RefPtr<Inode> m_inode;
};

} // namespace wasmux
