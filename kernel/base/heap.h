#pragma once
// The kernel's heap allocator (operator new on wasm32; a unit-tested class natively).
// Memory comes from a page source that only grows, like memory.grow, and never goes back,
// so what matters is reuse: a kernel runs for as long as its host, creating and freeing
// process images (a megabyte or more each), descriptors and buffers by the hundred
// thousand. Freed blocks therefore merge with free neighbours (boundary tags, as in
// dlmalloc and K&R's malloc), or a mix of sizes would fragment the heap until the 4 GiB
// kernel memory ran out.
//
// Small requests (up to 2 KiB) come from per-size-class free lists carved from 64 KiB
// chunks; everything else is a "large" block: a 16-byte header (size and flags), its
// payload, and, while free, a footer repeating the size so the next block can find it.
// Free large blocks sit on segregated lists by size (one per power of two), best fit.
// Not thread-safe: every caller holds the big lock.
#include "types.h"

namespace wasmux {

class Heap {
public:
  // Extends the memory by at least `bytes` (a multiple of 64 KiB) and returns the start of
  // the new part, or nullptr when there is no more. New parts may directly follow the
  // previous one (memory.grow) or not.
  using GrowFn = char* (*)(usize bytes);

  explicit constexpr Heap(GrowFn grow) : m_grow(grow) {}

  // 16-byte aligned; nullptr when the page source is exhausted.
  void* allocate(usize n);
  void release(void* p);

  // Bytes taken from the page source so far, and bytes handed out and not yet released
  // (block sizes including headers).
  usize bytes_from_system() const { return m_from_system; }
  usize bytes_in_use() const { return m_in_use; }

  // Walks every block and free list: nullptr when the heap is consistent, else what is
  // wrong first. Costs time in proportion to the blocks, so it runs on demand (the state
  // dump, a kernel panic), never on each allocation.
  const char* check() const;

  static constexpr usize alignment = 16;
  static constexpr usize small_max = 2048;

private:
  struct Block;
  static constexpr int small_classes = 8; // 16, 32, ... 2048 bytes
  static constexpr int large_bins = 32;   // by the highest set bit of the size

  void* allocate_small(usize n);
  void* allocate_large(usize n);
  Block* take_fit(usize size);
  Block* grow(usize size);
  void insert_free(Block* b);
  void remove_free(Block* b);
  void release_large(Block* b);

  GrowFn m_grow;
  usize m_from_system{0};
  usize m_in_use{0};
  void* m_small_free[small_classes]{};
  char* m_chunk_cursor{nullptr};
  char* m_chunk_end{nullptr};
  Block* m_bins[large_bins]{};
  char* m_arena_end{nullptr}; // just past the fence of the last part grown
  // Where each run of contiguous parts starts (in wasm there is one: only the heap grows
  // the kernel memory), for check(); runs beyond the array are counted but not walked.
  static constexpr int max_runs = 16;
  char* m_runs[max_runs]{};
  int m_run_count{0};
};

// The kernel's own heap (wasm32): bytes in use and bytes taken from the kernel memory. Zero
// in the native build, whose kernel uses the C library's heap.
usize kernel_heap_in_use();
usize kernel_heap_size();
const char* kernel_heap_check(); // Heap::check() of that heap; nullptr natively

} // namespace wasmux
