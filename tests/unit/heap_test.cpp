// kernel/base/heap: the kernel's allocator, on a page source over a plain buffer that grows
// the way memory.grow does (each part right after the previous one, unless a test breaks
// the run on purpose).
#include "base/heap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace wasmux::test {
namespace {

constexpr size_t arena_size = 256u << 20;
char* g_arena;
size_t g_used;
size_t g_gap; // bytes skipped before the next part: a part that does not follow the last

char* grow_from_buffer(usize bytes) {
  g_used += g_gap;
  g_gap = 0;
  if (g_used + bytes > arena_size) return nullptr;
  char* p = g_arena + g_used;
  g_used += bytes;
  return p;
}

class HeapTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_buffer.reset(static_cast<char*>(aligned_alloc(65536, arena_size)));
    g_arena = m_buffer.get();
    g_used = 0;
    g_gap = 0;
  }
  struct Free {
    void operator()(char* p) const { free(p); }
  };
  std::unique_ptr<char, Free> m_buffer;
  Heap heap{grow_from_buffer};
};

TEST_F(HeapTest, BlocksAreAlignedAndDisjoint) {
  std::mt19937 random(1);
  struct Live {
    unsigned char* p;
    size_t n;
    unsigned char fill;
  };
  std::vector<Live> live;
  for (int i = 0; i < 20000; ++i) {
    if (!live.empty() && random() % 2 == 0) {
      size_t k = random() % live.size();
      for (size_t j = 0; j < live[k].n; ++j)
        ASSERT_EQ(live[k].p[j], live[k].fill) << "block " << k << " was overwritten";
      heap.release(live[k].p);
      live[k] = live.back();
      live.pop_back();
      continue;
    }
    // Sizes from a byte to 300 KiB, most of them small, as in the kernel.
    size_t n = random() % 4 == 0 ? random() % (300 << 10) + 1 : random() % 3000 + 1;
    auto* p = static_cast<unsigned char*>(heap.allocate(n));
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % Heap::alignment, 0u);
    auto fill = static_cast<unsigned char>(random());
    memset(p, fill, n);
    live.push_back({p, n, fill});
  }
  for (auto& l : live) {
    for (size_t j = 0; j < l.n; ++j)
      ASSERT_EQ(l.p[j], l.fill);
    heap.release(l.p);
  }
  EXPECT_EQ(heap.bytes_in_use(), 0u);
}

// The pattern of a kernel running many processes: a large image read and freed each time
// while small objects of each process come and go and a few stay. Freed neighbours merge,
// so the heap stops growing instead of fragmenting without end.
TEST_F(HeapTest, ReusesMemoryAcrossSizesWithoutGrowingForever) {
  std::vector<void*> kept;
  usize after_warmup = 0;
  for (int round = 0; round < 3000; ++round) {
    usize image_size = 1300000 + static_cast<usize>(round % 7) * 40000;
    void* image = heap.allocate(image_size);
    ASSERT_NE(image, nullptr) << "round " << round;
    std::vector<void*> objects;
    for (int i = 0; i < 40; ++i)
      objects.push_back(heap.allocate(static_cast<usize>(64 + (i * 997 + round) % 9000)));
    heap.release(image);
    void* buffer = heap.allocate(65536 + static_cast<usize>(round % 5) * 4096);
    for (void* o : objects)
      heap.release(o);
    heap.release(buffer);
    if (round % 100 == 0) kept.push_back(heap.allocate(3000)); // a few outlive their round
    if (round == 100) after_warmup = heap.bytes_from_system();
  }
  EXPECT_LE(heap.bytes_from_system(), after_warmup + (1u << 20));
  for (void* k : kept)
    heap.release(k);
  EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST_F(HeapTest, FreedNeighboursMergeIntoOneBlock) {
  void* a = heap.allocate(100000);
  void* b = heap.allocate(100000);
  void* c = heap.allocate(100000);
  usize grown = heap.bytes_from_system();
  heap.release(a);
  heap.release(c);
  heap.release(b); // merges with both
  void* big = heap.allocate(290000);
  EXPECT_EQ(big, a);
  EXPECT_EQ(heap.bytes_from_system(), grown);
  heap.release(big);
}

TEST_F(HeapTest, ContiguousGrowthMergesWithTheFreeEnd) {
  void* first = heap.allocate(200000); // the first part (256 KiB)
  heap.release(first);
  void* big = heap.allocate(1000000); // needs more: the new part follows and merges
  EXPECT_EQ(big, first);
  heap.release(big);
}

TEST_F(HeapTest, PartsThatDoNotFollowStayApart) {
  void* a = heap.allocate(200000);
  g_gap = 65536;
  void* b = heap.allocate(200000); // a new part after a gap
  ASSERT_NE(b, nullptr);
  EXPECT_GE(static_cast<char*>(b), static_cast<char*>(a) + 200000 + 65536);
  heap.release(a);
  heap.release(b);
  void* c = heap.allocate(400000); // neither part alone holds it: a third part
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(heap.bytes_in_use() >= 400000, true);
  heap.release(c);
  EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST_F(HeapTest, SmallBlocksAreReused) {
  void* p = heap.allocate(24);
  heap.release(p);
  EXPECT_EQ(heap.allocate(20), p);
}

TEST_F(HeapTest, ExhaustionReturnsNull) {
  EXPECT_EQ(heap.allocate(arena_size * 2), nullptr);
  EXPECT_EQ(heap.allocate(~usize{0} - 8), nullptr);
  void* p = heap.allocate(1000);
  EXPECT_NE(p, nullptr); // still usable
  heap.release(p);
}

TEST_F(HeapTest, CheckPassesThroughRandomUse) {
  std::mt19937 random(7);
  std::vector<void*> live;
  for (int i = 0; i < 5000; ++i) {
    if (!live.empty() && random() % 2 == 0) {
      size_t k = random() % live.size();
      heap.release(live[k]);
      live[k] = live.back();
      live.pop_back();
    } else {
      if (i % 1000 == 999) g_gap = 65536; // now and then a part that does not follow
      live.push_back(heap.allocate(random() % 3 == 0 ? random() % (200 << 10) + 1 : random() % 4000 + 1));
    }
    if (i % 250 == 0) ASSERT_EQ(heap.check(), nullptr) << "after " << i << " operations";
  }
  for (void* p : live)
    heap.release(p);
  EXPECT_EQ(heap.check(), nullptr);
}

TEST_F(HeapTest, CheckHoldsWithMoreRunsThanItRecords) {
  std::vector<void*> blocks;
  for (int i = 0; i < 24; ++i) { // each in a part of its own, apart from the others
    g_gap = 65536;
    blocks.push_back(heap.allocate(300000));
  }
  for (size_t i = 0; i < blocks.size(); i += 2)
    heap.release(blocks[i]); // free blocks in runs check() does not walk
  EXPECT_EQ(heap.check(), nullptr);
  for (size_t i = 1; i < blocks.size(); i += 2)
    heap.release(blocks[i]);
  EXPECT_EQ(heap.check(), nullptr);
}

TEST_F(HeapTest, CheckFindsAnOverwrittenHeader) {
  auto* a = static_cast<char*>(heap.allocate(5000));
  auto* b = static_cast<char*>(heap.allocate(5000));
  heap.release(b); // free, with a footer and links
  ASSERT_EQ(heap.check(), nullptr);
  memset(a, 0x41, 5000 + 24); // runs past a's payload into b's header and links
  EXPECT_NE(heap.check(), nullptr);
}

TEST_F(HeapTest, CheckFindsABrokenFreeList) {
  auto* a = static_cast<char*>(heap.allocate(5000));
  auto* keep = heap.allocate(100); // keeps a from merging with the free rest
  heap.release(a);
  ASSERT_EQ(heap.check(), nullptr);
  // A write after the free: a's back link (the payload's second word) now points at a.
  void* self = a - Heap::alignment;
  memcpy(a + sizeof(void*), &self, sizeof self);
  EXPECT_NE(heap.check(), nullptr);
  heap.release(keep);
}

} // namespace
} // namespace wasmux::test
