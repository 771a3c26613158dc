#include "custody.h"

namespace wasmux {

String Custody::absolute_path() const {
  if (!m_parent) return String("/");
  Vector<const Custody*> chain;
  for (const Custody* c = this; c->m_parent; c = c->m_parent.ptr()) chain.append(c);
  String path;
  for (usize i = chain.size(); i-- > 0;) {
    path.append("/");
    path.append(chain[i]->name());
  }
  return path;
}

} // namespace wasmux
