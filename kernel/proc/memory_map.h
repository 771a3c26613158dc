#pragma once
// A process's address space bookkeeping. wasm memory only grows at its end and has no page
// protection, so brk and anonymous mmap hand out ranges of one linear memory: brk grows
// from __heap_base while nothing is mapped above it; mmap reuses freed ranges (first fit)
// or grows the memory. mprotect only records.
#include "../base/result.h"
#include "../base/vector.h"

namespace wasmux {

class MemoryMap {
public:
  static constexpr u32 page = 65536; // wasm page; mmap granularity
  static constexpr u32 user_page = 4096;

  void reset(u32 heap_base);
  u32 brk() const { return m_brk; }
  u32 heap_base() const { return m_heap_base; }
  // brk(2): returns the new break, or the old one when it cannot move (Linux returns the
  // current break on failure; musl checks).
  u32 set_brk(u32 requested);
  Result<u32> map_anonymous(u32 length);
  ErrorOr unmap(u32 addr, u32 length);
  bool is_mapped(u32 addr, u32 length) const;
  // Whether every byte of [addr, addr + length) is in use: the stack, data and brk heap
  // below the break, or mappings (mlock(2), msync(2): ENOMEM otherwise).
  bool is_in_use(u32 addr, u64 length) const;
  // Calls f(start, end) for each mapped range, in address order.
  // The end of what brk and mmap have handed out (at first the memory's size). The memory
  // may be larger (grown to its maximum before a second thread: clone.cpp); what lies above
  // was never used and reads as zeros (a forked child's memory is cleared there).
  u64 top();
  // A forked child runs on a kept memory an earlier child wrote up to `end`: what lies
  // between the top and there becomes free address space, zero-filled when brk or mmap
  // hands it out (as everything below the top is), so nothing is cleared ahead of use.
  void mark_dirty_up_to(u64 end);
  // Bytes in use (the stack, data and brk heap, and the mappings): what /proc calls
  // resident, as nothing here is paged out. For any process (top() is the caller's).
  u64 in_use_bytes() const {
    u64 n = m_brk;
    for (const auto& r : m_mapped) n += r.end - r.start;
    return n;
  }
  // The top as far as it is known (0 before the first brk or mmap), for any process.
  u64 known_top() const { return m_top; }
  template <typename F>
  void for_each_mapping(F f) const {
    for (const auto& r : m_mapped) f(r.start, r.end);
  }

private:
  struct Range {
    u32 start;
    u32 end;
  };
  void add_free(Range r);
  u64 m_top{0};
  u32 m_heap_base{0};
  u32 m_brk{0};
  Vector<Range> m_mapped; // sorted
  Vector<Range> m_free;   // sorted, coalesced
};

} // namespace wasmux
