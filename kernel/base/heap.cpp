#include "heap.h"

namespace wasmux {

namespace {

constexpr usize in_use = 1;      // this block is allocated (or a fence)
constexpr usize prev_in_use = 2; // the block just before it is allocated
constexpr usize flag_mask = 15;
constexpr usize header = Heap::alignment;
constexpr usize min_large = 64;         // header, two list links, footer, rounded up
constexpr usize grow_step = 256 * 1024; // the least taken from the page source at once
constexpr usize chunk_size = 64 * 1024; // small blocks are carved from these

usize round_up(usize n, usize to) { return (n + to - 1) & ~(to - 1); }

} // namespace

// A large block: the header's first word is size | flags; a free block keeps its list links
// in the payload and its size again in its last word (the footer).
struct Heap::Block {
  usize tag;
  usize size() const { return tag & ~flag_mask; }
  char* at() { return reinterpret_cast<char*>(this); }
  Block* next_block() { return reinterpret_cast<Block*>(at() + size()); }
  Block*& next_free() { return reinterpret_cast<Block**>(at() + header)[0]; }
  Block*& prev_free() { return reinterpret_cast<Block**>(at() + header)[1]; }
  void set_footer() { *reinterpret_cast<usize*>(at() + size() - sizeof(usize)) = size(); }
};

namespace {

// The bin of a size: its highest set bit (sizes over 2 GiB, possible natively, share the last).
int bin_of(usize size) {
  int bin = 0;
  while (size >>= 1)
    ++bin;
  return bin < 31 ? bin : 31;
}

int small_class_of(usize n) {
  usize size = 16;
  for (int c = 0; c < 8; ++c, size <<= 1)
    if (n <= size) return c;
  return -1;
}

} // namespace

void* Heap::allocate(usize n) {
  if (n == 0) n = 1;
  if (n <= small_max) return allocate_small(n);
  void* p = allocate_large(n);
  if (p) m_in_use += reinterpret_cast<Block*>(static_cast<char*>(p) - header)->size();
  return p;
}

void* Heap::allocate_small(usize n) {
  int c = small_class_of(n);
  usize block = (usize{16} << c) + header;
  char* p;
  if (void* reuse = m_small_free[c]) {
    m_small_free[c] = *static_cast<void**>(reuse); // the link is in the freed payload
    p = static_cast<char*>(reuse) - header;
  } else {
    if (!m_chunk_cursor || m_chunk_cursor + block > m_chunk_end) {
      // A chunk is a large block that stays allocated: its blocks go back to the lists.
      auto* chunk = static_cast<char*>(allocate_large(chunk_size - header));
      if (!chunk) return nullptr;
      m_chunk_cursor = chunk;
      m_chunk_end = chunk + reinterpret_cast<Block*>(chunk - header)->size() - header;
    }
    p = m_chunk_cursor;
    m_chunk_cursor += block;
  }
  *reinterpret_cast<usize*>(p) = static_cast<usize>(c);
  m_in_use += block;
  return p + header;
}

void* Heap::allocate_large(usize n) {
  usize size = round_up(n + header, alignment);
  if (size < n || size < min_large) size = size < n ? 0 : min_large;
  if (size == 0) return nullptr; // n too large to round
  Block* b = take_fit(size);
  if (!b) {
    if (!grow(size)) return nullptr;
    b = take_fit(size);
    if (!b) return nullptr;
  }
  return b->at() + header;
}

// The smallest block that fits, from the first bin upwards that has one (segregated best
// fit: a small request takes a leftover rather than cutting into a big free block that a
// process image could use next). The block leaves its list, and a tail big enough to be a
// block of its own goes back as a free block.
Heap::Block* Heap::take_fit(usize size) {
  for (int bin = bin_of(size); bin < large_bins; ++bin) {
    Block* b = nullptr;
    for (Block* c = m_bins[bin]; c; c = c->next_free())
      if (c->size() >= size && (!b || c->size() < b->size())) b = c;
    if (!b) continue;
    remove_free(b);
    usize have = b->size();
    usize keep = b->tag & prev_in_use;
    if (have - size >= min_large) {
      auto* rest = reinterpret_cast<Block*>(b->at() + size);
      rest->tag = (have - size) | prev_in_use;
      rest->set_footer();
      insert_free(rest);
      b->tag = size | in_use | keep;
    } else {
      b->tag = have | in_use | keep;
      b->next_block()->tag |= prev_in_use;
    }
    return b;
  }
  return nullptr;
}

// Takes at least `size` more bytes from the page source as one free block. Each part ends
// in a fence (an allocated 16-byte block) so merging never runs past it; a part that
// directly follows the previous one takes over that one's fence and merges with the free
// block before it.
Heap::Block* Heap::grow(usize size) {
  usize want = round_up(size + header, 64 * 1024);
  if (want < grow_step) want = grow_step;
  if (want < size) return nullptr;
  char* part = m_grow(want);
  if (!part) return nullptr;
  m_from_system += want;
  char* end = part + want;
  Block* b;
  if (part == m_arena_end) {
    b = reinterpret_cast<Block*>(part - header); // the old fence
    b->tag = want | (b->tag & prev_in_use) | in_use;
  } else {
    b = reinterpret_cast<Block*>(part);
    b->tag = (want - header) | prev_in_use | in_use;
    if (m_run_count < max_runs) m_runs[m_run_count] = part;
    ++m_run_count; // counted beyond the array too: check() then knows some went unchecked
  }
  auto* fence = reinterpret_cast<Block*>(end - header);
  fence->tag = header | in_use | prev_in_use;
  m_arena_end = end;
  release_large(b);
  return b;
}

void Heap::insert_free(Block* b) {
  int bin = bin_of(b->size());
  b->prev_free() = nullptr;
  b->next_free() = m_bins[bin];
  if (m_bins[bin]) m_bins[bin]->prev_free() = b;
  m_bins[bin] = b;
}

void Heap::remove_free(Block* b) {
  if (b->prev_free())
    b->prev_free()->next_free() = b->next_free();
  else
    m_bins[bin_of(b->size())] = b->next_free();
  if (b->next_free()) b->next_free()->prev_free() = b->prev_free();
}

// An allocated large block becomes free, merged with a free block on either side.
void Heap::release_large(Block* b) {
  if (!(b->tag & in_use)) __builtin_trap(); // a double free: the heap cannot be trusted
  Block* start = b;
  usize size = b->size();
  usize flags = b->tag & prev_in_use;
  if (!flags) {
    usize prev_size = *reinterpret_cast<usize*>(b->at() - sizeof(usize));
    start = reinterpret_cast<Block*>(b->at() - prev_size);
    remove_free(start);
    size += prev_size;
    flags = start->tag & prev_in_use;
  }
  Block* next = b->next_block();
  if (!(next->tag & in_use)) {
    remove_free(next);
    size += next->size();
  }
  start->tag = size | flags;
  start->set_footer();
  start->next_block()->tag &= ~prev_in_use;
  insert_free(start);
}

void Heap::release(void* p) {
  if (!p) return;
  char* h = static_cast<char*>(p) - header;
  usize tag = *reinterpret_cast<usize*>(h);
  if (tag < small_classes) {
    *static_cast<void**>(p) = m_small_free[tag];
    m_small_free[tag] = p;
    m_in_use -= (usize{16} << tag) + header;
    return;
  }
  auto* b = reinterpret_cast<Block*>(h);
  m_in_use -= b->size();
  release_large(b);
}

const char* Heap::check() const {
  usize free_blocks = 0;
  bool every_run = m_run_count <= max_runs;
  for (int r = 0; r < m_run_count && r < max_runs; ++r) {
    auto* b = reinterpret_cast<Block*>(m_runs[r]);
    bool prev_used = true;
    for (;;) {
      usize size = b->size();
      if (size < header || size % alignment != 0) return "a block with a bad size";
      if (b->at() + size > m_arena_end) return "a block past the end of the heap";
      if (((b->tag & prev_in_use) != 0) != prev_used) return "a block's prev-in-use flag is wrong";
      bool used = b->tag & in_use;
      if (!used) {
        if (!prev_used) return "two free blocks side by side";
        if (size < min_large) return "a free block too small for its links";
        if (*reinterpret_cast<usize*>(b->at() + size - sizeof(usize)) != size) return "a free block's footer is wrong";
        ++free_blocks;
      }
      // A fence (no other block is this small) ends a run: a part that directly follows
      // takes over the fence before it, so there is one per run.
      if (used && size == header) break;
      prev_used = used;
      b = b->next_block();
    }
  }
  usize listed = 0;
  usize listed_bytes = 0;
  for (int bin = 0; bin < large_bins; ++bin) {
    Block* prev = nullptr;
    for (Block* c = m_bins[bin]; c; c = c->next_free()) {
      if (c->tag & in_use) return "an allocated block on a free list";
      if (bin_of(c->size()) != bin) return "a free block in the wrong bin";
      if (c->prev_free() != prev) return "a free list's back link is wrong";
      prev = c;
      ++listed;
      listed_bytes += c->size();
      if ((every_run && listed > free_blocks) || listed_bytes > m_from_system)
        return "a free list longer than the free blocks (a cycle?)";
    }
  }
  if (every_run && listed != free_blocks) return "a free block missing from the free lists";
  return nullptr;
}

#if !defined(__wasm__)
usize kernel_heap_in_use() { return 0; }
usize kernel_heap_size() { return 0; }
const char* kernel_heap_check() { return nullptr; }
#endif

} // namespace wasmux
