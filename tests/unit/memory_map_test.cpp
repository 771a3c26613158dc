// kernel/proc/memory_map: brk and anonymous mmap within one growable linear memory
// (docs/guest-abi.md "Memory"), then through brk/mmap/munmap.
#include "kernel_fixture.h"
#include "proc/memory_map.h"

namespace wasmux::test {
namespace {

constexpr u32 kib = 1024;

class MemoryMapTest : public LockedTest {
protected:
  void SetUp() override {
    LockedTest::SetUp();
    map.reset(heap_base);
  }
  u32 size() { return static_cast<u32>(host().memory().size()); }
  u8& byte(u32 addr) { return *host().memory().at(addr); }
  MemoryMap map;
};

TEST_F(MemoryMapTest, BrkStartsAtTheAlignedHeapBase) {
  MemoryMap m;
  m.reset(heap_base + 3);
  EXPECT_EQ(m.brk(), heap_base + 16);
  EXPECT_EQ(m.set_brk(heap_base), heap_base + 16); // below the start: refused, unchanged
}

TEST_F(MemoryMapTest, BrkGrowsShrinksAndZeroesWhatReturns) {
  EXPECT_EQ(map.set_brk(heap_base + 100 * kib), heap_base + 100 * kib);
  byte(heap_base + 50 * kib) = 0xaa;
  EXPECT_EQ(map.set_brk(heap_base + 10 * kib), heap_base + 10 * kib);
  EXPECT_EQ(map.set_brk(heap_base + 100 * kib), heap_base + 100 * kib);
  EXPECT_EQ(byte(heap_base + 50 * kib), 0); // brk(2): returning memory reads as zeros
}

TEST_F(MemoryMapTest, BrkGrowsTheMemoryAndFailsPastItsMaximum) {
  u32 end = size();
  EXPECT_EQ(map.set_brk(end + 100 * kib), end + 100 * kib);
  EXPECT_GE(size(), end + 100 * kib);
  EXPECT_EQ(size() % 65536, 0u);
  // Linux brk returns the unchanged break when it cannot move.
  EXPECT_EQ(map.set_brk(0xfff00000u), end + 100 * kib);
}

TEST_F(MemoryMapTest, MmapHandsOutPageAlignedZeroedRangesAtTheEnd) {
  u32 end = size();
  u32 a = map.map_anonymous(10000).value();
  EXPECT_EQ(a, end); // nothing free yet: the memory grows
  EXPECT_EQ(a % 4096, 0u);
  EXPECT_TRUE(map.is_mapped(a, 12 * kib)); // rounded up to whole pages
  EXPECT_FALSE(map.is_mapped(a, 12 * kib + 1));
  u32 b = map.map_anonymous(4096).value();
  EXPECT_EQ(b, a + 12 * kib); // the rest of the grown wasm page is used next
  EXPECT_EQ(map.map_anonymous(0).error(), Errno::einval);
  EXPECT_EQ(map.map_anonymous(0xffffffffu).error(), Errno::enomem);
}

TEST_F(MemoryMapTest, MunmapFreesRangesThatMmapReusesZeroed) {
  u32 a = map.map_anonymous(64 * kib).value();
  memset(&byte(a), 0x5a, 64 * kib);
  ASSERT_FALSE(map.unmap(a, 64 * kib).is_error());
  EXPECT_FALSE(map.is_mapped(a, 4096));
  u32 again = map.map_anonymous(8 * kib).value();
  EXPECT_EQ(again, a); // first fit
  for (u32 i = 0; i < 8 * kib; ++i)
    ASSERT_EQ(byte(again + i), 0) << i; // mmap(2): zero-filled
}

TEST_F(MemoryMapTest, MunmapSplitsAMapping) {
  u32 a = map.map_anonymous(16 * kib).value();
  ASSERT_FALSE(map.unmap(a + 4 * kib, 4 * kib).is_error());
  EXPECT_TRUE(map.is_mapped(a, 4 * kib));
  EXPECT_FALSE(map.is_mapped(a + 4 * kib, 1));
  EXPECT_TRUE(map.is_mapped(a + 8 * kib, 8 * kib));
  EXPECT_FALSE(map.is_mapped(a, 16 * kib));
  // The hole is the first free range: a one-page mapping lands there.
  EXPECT_EQ(map.map_anonymous(4096).value(), a + 4 * kib);
  // munmap(2): EINVAL for an unaligned address or a zero length; nothing mapped is fine.
  EXPECT_EQ(map.unmap(a + 1, 4096).error(), Errno::einval);
  EXPECT_EQ(map.unmap(a, 0).error(), Errno::einval);
  EXPECT_FALSE(map.unmap(0x100000, 4096).is_error());
  // A length that is not a page multiple unmaps whole pages.
  ASSERT_FALSE(map.unmap(a + 8 * kib, 1).is_error());
  EXPECT_FALSE(map.is_mapped(a + 8 * kib, 1));
  EXPECT_TRUE(map.is_mapped(a + 12 * kib, 4 * kib));
}

TEST_F(MemoryMapTest, BrkCannotGrowOverAMapping) {
  u32 a = map.map_anonymous(4096).value();
  u32 before = map.brk();
  EXPECT_EQ(map.set_brk(a + 4096), before);
  EXPECT_EQ(map.set_brk(a - 4096), a - 4096); // right up to it is fine
}

TEST_F(MemoryMapTest, BrkAbsorbsUnmappedRanges) {
  u32 a = map.map_anonymous(64 * kib).value();
  ASSERT_FALSE(map.unmap(a, 64 * kib).is_error());
  EXPECT_EQ(map.set_brk(a + 32 * kib), a + 32 * kib);
  // What the heap took is no longer handed out by mmap.
  u32 b = map.map_anonymous(4096).value();
  EXPECT_GE(b, a + 32 * kib);
}

// mmap(2) returns page-aligned addresses; a break ending mid-page inside a freed range
// must not make the next mapping start mid-page (nor share the heap's last page).
TEST_F(MemoryMapTest, MmapAfterAnUnalignedBreakIsStillPageAligned) {
  u32 a = map.map_anonymous(64 * kib).value();
  ASSERT_FALSE(map.unmap(a, 64 * kib).is_error());
  EXPECT_EQ(map.set_brk(a + 100), a + 100);
  u32 b = map.map_anonymous(4096).value();
  EXPECT_EQ(b % 4096, 0u);
  EXPECT_GE(b, a + 4096);
}

// A forked child on a kept memory an earlier child wrote (host/src/fork_memory.ts): the
// dirty part above the top becomes free address space, zeroed as it is handed out, and
// nothing is handed out twice.
TEST_F(MemoryMapTest, ADirtyMemoryIsZeroedAsItIsHandedOut) {
  u32 top = static_cast<u32>(map.top()); // the memory's size: nothing handed out above
  ASSERT_TRUE(host().memory().grow(64)); // 4 MiB more, written by "an earlier child"
  for (u32 at = top; at < size(); at += 4096)
    byte(at) = 0xee;
  map.mark_dirty_up_to(size());
  u32 a = map.map_anonymous(64 * kib).value();
  EXPECT_EQ(a, top); // the dirty range is reused first, not left behind
  EXPECT_EQ(byte(a), 0);
  EXPECT_EQ(byte(a + 60 * kib), 0);
  u32 b = map.map_anonymous(3 * 1024 * kib).value();
  EXPECT_EQ(b, a + 64 * kib);
  EXPECT_EQ(byte(b + 2 * 1024 * kib), 0);
  // Past the dirty part: the memory grows, and what it grows by reads zeros anyway.
  u32 end = size();
  u32 c = map.map_anonymous(2 * 1024 * kib).value();
  EXPECT_GE(c, b + 3 * 1024 * kib); // after what the dirty part gave
  EXPECT_GT(size(), end);
  EXPECT_EQ(byte(c + 1024 * kib), 0);
  // brk grows through what is left of it zeroed too.
  MemoryMap heap;
  heap.reset(heap_base);
  heap.mark_dirty_up_to(size());
  byte(heap_base + 100) = 0xee;
  EXPECT_EQ(heap.set_brk(heap_base + 200), heap_base + 200);
  EXPECT_EQ(byte(heap_base + 100), 0);
  // Clean up to its end already (a new memory): nothing changes.
  MemoryMap clean;
  clean.reset(heap_base);
  clean.mark_dirty_up_to(0);
  u32 clean_end = size();
  EXPECT_EQ(clean.map_anonymous(4096).value(), clean_end);
}

// ---- through the syscalls ----

TEST_F(KernelTest, BrkSyscall) {
  i64 start = sys(nr::brk, 0);
  EXPECT_EQ(start, heap_base);
  EXPECT_EQ(sys(nr::brk, start + 8192), start + 8192);
  EXPECT_EQ(sys(nr::brk, 0), start + 8192);
  EXPECT_EQ(sys(nr::brk, 4096), start + 8192); // below the heap: the break stays
}

TEST_F(KernelTest, MmapSyscallAnonymousAndFileCopies) {
  const i64 rw = abi::prot_read | abi::prot_write;
  i64 a = sys(nr::mmap, 0, 8192, rw, abi::map_private | abi::map_anonymous, -1, 0);
  ASSERT_GT(a, 0);
  EXPECT_EQ(a % 4096, 0);
  EXPECT_EQ(p().bytes(static_cast<UserAddr>(a), 8192), std::string(8192, '\0'));
  EXPECT_EQ(sys(nr::munmap, a, 8192), 0);
  EXPECT_EQ(sys(nr::mmap, 0, 0, rw, abi::map_private | abi::map_anonymous, -1, 0), err(Errno::einval));
  EXPECT_EQ(sys(nr::mmap, 0, 4096, rw, abi::map_anonymous, -1, 0), err(Errno::einval)); // neither shared nor private
  EXPECT_EQ(sys(nr::mmap, 0x100000, 4096, rw, abi::map_private | abi::map_anonymous | abi::map_fixed, -1, 0),
            err(Errno::enomem));
  // A private file mapping is a copy of the file's bytes from the offset.
  p().write_file("f", std::string(4096, 'a') + "page two");
  i64 fd = p().open("f", abi::o_rdonly);
  i64 m = sys(nr::mmap, 0, 4096, abi::prot_read, abi::map_private, fd, 4096);
  ASSERT_GT(m, 0);
  EXPECT_EQ(p().bytes(static_cast<UserAddr>(m), 9), std::string("page two\0", 9));
  EXPECT_EQ(sys(nr::mmap, 0, 4096, abi::prot_read, abi::map_private, fd, 100), err(Errno::einval));
  EXPECT_EQ(sys(nr::mmap, 0, 4096, rw, abi::map_shared, fd, 0), err(Errno::enodev));
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  EXPECT_EQ(sys(nr::mmap, 0, 4096, abi::prot_read, abi::map_private, fds[0], 0), err(Errno::enodev));
  EXPECT_EQ(sys(nr::mmap, 0, 4096, abi::prot_read, abi::map_private, 99, 0), err(Errno::ebadf));
  EXPECT_EQ(sys(nr::mprotect, m + 1, 4096, abi::prot_read), err(Errno::einval));
  EXPECT_EQ(sys(nr::mprotect, m, 4096, abi::prot_read), 0);
}

// munmap(2): EINVAL when the range is too large — it may not wrap past the end of the
// 32-bit address space (Linux: len > TASK_SIZE - addr).
TEST_F(MemoryMapTest, MunmapPastTheAddressSpaceIsEinval) {
  u32 a = map.map_anonymous(4096).value();
  EXPECT_EQ(map.unmap(0xffff0000u, 0x20000).error(), Errno::einval);
  EXPECT_EQ(map.unmap(a, 0xffffffffu).error(), Errno::einval);
  EXPECT_TRUE(map.is_mapped(a, 4096));                   // nothing was unmapped
  EXPECT_FALSE(map.unmap(0xfffff000u, 4096).is_error()); // the last page is a valid range
}

} // namespace
} // namespace wasmux::test
