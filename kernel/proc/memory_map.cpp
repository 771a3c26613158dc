#include "memory_map.h"

#include "../host/host_port.h"

namespace wasmux {

void MemoryMap::reset(u32 heap_base) {
  m_top = 0;
  m_heap_base = m_brk = round_up<u32>(heap_base, 16);
  m_mapped.clear();
  m_free.clear();
}

namespace {
bool grow_to(u64 end) {
  u64 size = host().user_memory_size();
  if (end <= size) return true;
  u64 pages = (end - size + MemoryMap::page - 1) / MemoryMap::page;
  return host().user_memory_grow(static_cast<u32>(pages));
}
} // namespace

u64 MemoryMap::top() {
  if (!m_top) m_top = host().user_memory_size();
  return m_top;
}

void MemoryMap::mark_dirty_up_to(u64 end) {
  // Ranges end at 32-bit addresses: a last page written of a 4 GiB memory stays above the
  // top, where nothing can be handed out any more (the memory cannot grow).
  end = min<u64>(end & ~u64{user_page - 1}, 0x100000000ull - page);
  u64 from = round_up<u64>(max<u64>(top(), m_brk), user_page);
  if (end <= from) return;
  add_free({static_cast<u32>(from), static_cast<u32>(end)});
  m_top = end;
}

u32 MemoryMap::set_brk(u32 requested) {
  if (requested < m_heap_base) return m_brk;
  for (auto& r : m_mapped)
    if (r.start < requested && r.end > m_brk) return m_brk;
  if (!grow_to(requested)) return m_brk;
  // Unmapped ranges above the break become heap.
  Vector<Range> kept;
  for (auto& r : m_free) {
    if (r.end <= m_brk || r.start >= requested) {
      kept.append(r);
    } else if (r.end > requested) {
      // What stays free starts at the next page: mmap(2) hands out whole pages, and the
      // partial page under the new break is the heap's.
      u64 from = round_up<u64>(requested, user_page);
      if (from < r.end) kept.append({static_cast<u32>(from), r.end});
    }
  }
  m_free = std::move(kept);
  // Memory given back by a shrinking brk must read as zeros when it returns (brk(2)).
  if (requested > m_brk) host().fill_user(m_brk, 0, requested - m_brk);
  m_brk = requested;
  m_top = max<u64>(top(), round_up<u64>(requested, user_page));
  return m_brk;
}

Result<u32> MemoryMap::map_anonymous(u32 length) {
  if (length == 0) return Errno::einval;
  u32 len = round_up<u32>(length, user_page);
  if (len < length) return Errno::enomem;
  for (usize i = 0; i < m_free.size(); ++i) {
    Range& f = m_free[i];
    if (f.end - f.start < len) continue;
    u32 start = f.start;
    f.start += len;
    if (f.start == f.end) m_free.remove(i);
    if (!host().fill_user(start, 0, len)) return Errno::enomem;
    usize at = 0;
    while (at < m_mapped.size() && m_mapped[at].start < start) ++at;
    m_mapped.insert(at, {start, start + len});
    return start;
  }
  u64 start = max<u64>(top(), round_up<u64>(m_brk, user_page));
  if (start + len > 0xffffffffull) return Errno::enomem;
  if (!grow_to(start + len)) return Errno::enomem;
  m_mapped.append({static_cast<u32>(start), static_cast<u32>(start + len)});
  m_top = start + len; // the rest of a page the memory grew by is above the top: unused
  return static_cast<u32>(start);
}

ErrorOr MemoryMap::unmap(u32 addr, u32 length) {
  if (addr % user_page || length == 0) return Errno::einval;
  // munmap(2) EINVAL: the range may not run past the 32-bit address space.
  if (u64{addr} + length > 0x100000000ull) return Errno::einval;
  u32 end = static_cast<u32>(min<u64>(round_up<u64>(u64{addr} + length, user_page), 0xffffffffull));
  Vector<Range> kept;
  for (auto& r : m_mapped) {
    if (r.end <= addr || r.start >= end) {
      kept.append(r);
      continue;
    }
    if (r.start < addr) kept.append({r.start, addr});
    if (r.end > end) kept.append({end, r.end});
    add_free({max(r.start, addr), min(r.end, end)});
  }
  m_mapped = std::move(kept);
  return {}; // munmap(2): unmapping a range with no mapping is not an error
}

bool MemoryMap::is_mapped(u32 addr, u32 length) const {
  for (auto& r : m_mapped)
    if (r.start <= addr && addr + length <= r.end) return true;
  return false;
}

bool MemoryMap::is_in_use(u32 addr, u64 length) const {
  u64 cursor = addr, end = u64{addr} + length;
  while (cursor < end) {
    if (cursor < m_brk) {
      cursor = m_brk;
      continue;
    }
    const Range* holder = nullptr;
    for (auto& r : m_mapped)
      if (r.start <= cursor && cursor < r.end) holder = &r;
    if (!holder) return false;
    cursor = holder->end;
  }
  return true;
}

void MemoryMap::add_free(Range r) {
  usize at = 0;
  while (at < m_free.size() && m_free[at].start < r.start) ++at;
  m_free.insert(at, r);
  // Coalesce neighbours.
  for (usize i = 0; i + 1 < m_free.size();) {
    if (m_free[i].end == m_free[i + 1].start) {
      m_free[i].end = m_free[i + 1].end;
      m_free.remove(i + 1);
    } else {
      ++i;
    }
  }
}

} // namespace wasmux
