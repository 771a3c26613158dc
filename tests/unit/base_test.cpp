// kernel/base: Result/TRY, RefPtr, IntrusiveList, Vector, String, Formatter, user copies.
#include "base/format.h"
#include "base/list.h"
#include "base/refptr.h"
#include "base/result.h"
#include "base/user_buffer.h"
#include "base/vector.h"
#include "fake_host.h"
#include "kernel_fixture.h" // (includes gtest after the kernel headers)
#include <string>
#include <vector>

namespace wasmux::test {
namespace {

// ---- Result and TRY ----

TEST(Result, CarriesValueOrError) {
  Result<int> ok(5);
  Result<int> bad(Errno::enoent);
  EXPECT_FALSE(ok.is_error());
  EXPECT_EQ(ok.value(), 5);
  EXPECT_TRUE(bad.is_error());
  EXPECT_EQ(bad.error(), Errno::enoent);
}

TEST(Result, VoidResultDefaultsToSuccess) {
  ErrorOr ok;
  ErrorOr bad(Errno::ebadf);
  EXPECT_FALSE(ok.is_error());
  EXPECT_TRUE(bad.is_error());
  EXPECT_EQ(bad.error(), Errno::ebadf);
}

// Counts live objects so moves and destruction inside Result/Vector can be checked.
struct Tracked {
  static inline int live = 0;
  int value;
  explicit Tracked(int v = 0) : value(v) { ++live; }
  Tracked(const Tracked& o) : value(o.value) { ++live; }
  Tracked(Tracked&& o) noexcept : value(o.value) {
    o.value = -1;
    ++live;
  }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) = default;
  ~Tracked() { --live; }
};

TEST(Result, MovesAndDestroysItsValue) {
  Tracked::live = 0;
  {
    Result<Tracked> r(Tracked(7));
    EXPECT_EQ(Tracked::live, 1);
    Result<Tracked> moved(std::move(r));
    EXPECT_EQ(moved.value().value, 7);
    Tracked out = moved.release_value();
    EXPECT_EQ(out.value, 7);
  }
  EXPECT_EQ(Tracked::live, 0);
  {
    Result<Tracked> e(Errno::eio); // an error constructs no value
    EXPECT_EQ(Tracked::live, 0);
  }
  EXPECT_EQ(Tracked::live, 0);
}

Result<int> half(int v) {
  if (v % 2) return Errno::einval;
  return v / 2;
}

int g_reached = 0;
Result<int> quarter(int v) {
  int h = TRY(half(v));
  ++g_reached;
  return TRY(half(h));
}

ErrorOr check_even(int v) {
  TRY(half(v));
  return {};
}

TEST(Result, TryReturnsTheFirstError) {
  g_reached = 0;
  EXPECT_EQ(quarter(8).value(), 2);
  EXPECT_EQ(g_reached, 1);
  auto r = quarter(3);
  ASSERT_TRUE(r.is_error());
  EXPECT_EQ(r.error(), Errno::einval);
  EXPECT_EQ(g_reached, 1); // stopped before the second step
  auto r2 = quarter(6);    // 6 → 3 fails on the second step
  ASSERT_TRUE(r2.is_error());
  EXPECT_EQ(g_reached, 2);
  EXPECT_FALSE(check_even(4).is_error());
  EXPECT_EQ(check_even(5).error(), Errno::einval);
}

// ---- RefPtr ----

struct Counted : RefCounted<Counted> {
  static inline int destroyed = 0;
  int id;
  explicit Counted(int i) : id(i) {}
  ~Counted() { ++destroyed; }
};
struct Derived : Counted {
  explicit Derived(int i) : Counted(i) {}
};

TEST(RefPtr, CountsReferencesAndDeletesAtZero) {
  Counted::destroyed = 0;
  {
    auto a = make_ref<Counted>(1);
    EXPECT_EQ(a->ref_count(), 1u); // make_ref adopts: no extra reference
    {
      RefPtr<Counted> b = a;
      EXPECT_EQ(a->ref_count(), 2u);
      EXPECT_TRUE(a == b);
    }
    EXPECT_EQ(a->ref_count(), 1u);
    RefPtr<Counted> c = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(c->ref_count(), 1u);
    EXPECT_EQ(Counted::destroyed, 0);
  }
  EXPECT_EQ(Counted::destroyed, 1);
}

TEST(RefPtr, AssignmentReleasesTheOldObject) {
  Counted::destroyed = 0;
  auto a = make_ref<Counted>(1);
  auto b = make_ref<Counted>(2);
  a = b;
  EXPECT_EQ(Counted::destroyed, 1);
  EXPECT_EQ(a->id, 2);
  EXPECT_EQ(b->ref_count(), 2u);
  RefPtr<Counted>& same = a;
  a = same; // self-assignment keeps the object alive
  EXPECT_EQ(a->id, 2);
  EXPECT_EQ(b->ref_count(), 2u);
  a.clear();
  b.clear();
  EXPECT_EQ(Counted::destroyed, 2);
}

TEST(RefPtr, ConvertsFromDerivedAndLeaks) {
  Counted::destroyed = 0;
  RefPtr<Derived> d = make_ref<Derived>(3);
  RefPtr<Counted> base = d;
  EXPECT_EQ(base->ref_count(), 2u);
  RefPtr<Counted> moved = std::move(d);
  EXPECT_EQ(moved->ref_count(), 2u);
  Counted* raw = moved.leak(); // the reference travels with the raw pointer
  EXPECT_FALSE(moved);
  auto readopted = RefPtr<Counted>::adopt(raw);
  EXPECT_EQ(readopted->ref_count(), 2u);
  readopted.clear();
  base.clear();
  EXPECT_EQ(Counted::destroyed, 1);
}

TEST(RefPtr, RawPointerConstructionTakesAReference) {
  auto a = make_ref<Counted>(1);
  RefPtr<Counted> b(a.ptr());
  EXPECT_EQ(a->ref_count(), 2u);
  EXPECT_TRUE(b == a.ptr());
  RefPtr<Counted> none(nullptr);
  EXPECT_FALSE(none);
}

// ---- IntrusiveList ----

struct Item {
  int id;
  ListNode node;
};
using ItemList = IntrusiveList<Item, &Item::node>;

std::vector<int> ids(ItemList& list) {
  std::vector<int> out;
  list.for_each([&](Item& i) { out.push_back(i.id); });
  return out;
}

TEST(IntrusiveList, KeepsInsertionOrderAndUnlinks) {
  ItemList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.first(), nullptr);
  Item a{1, {}}, b{2, {}}, c{3, {}};
  list.push_back(a);
  list.push_back(b);
  list.push_back(c);
  EXPECT_EQ(ids(list), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(list.first(), &a);
  ItemList::remove(b);
  EXPECT_FALSE(b.node.linked());
  EXPECT_EQ(ids(list), (std::vector<int>{1, 3}));
  b.node.unlink(); // unlinking twice is harmless
  a.node.unlink();
  c.node.unlink();
  EXPECT_TRUE(list.empty());
}

TEST(IntrusiveList, ForEachMayUnlinkTheCurrentElement) {
  ItemList list;
  Item items[4] = {{0, {}}, {1, {}}, {2, {}}, {3, {}}};
  for (auto& i : items)
    list.push_back(i);
  list.for_each([](Item& i) {
    if (i.id % 2 == 0) i.node.unlink();
  });
  EXPECT_EQ(ids(list), (std::vector<int>{1, 3}));
  for (auto& i : items)
    i.node.unlink();
}

// ---- Vector and String ----

TEST(Vector, GrowsInsertsAndRemoves) {
  Vector<int> v;
  EXPECT_TRUE(v.empty());
  for (int i = 0; i < 100; ++i)
    v.append(i);
  EXPECT_EQ(v.size(), 100u);
  EXPECT_EQ(v[99], 99);
  EXPECT_EQ(v.last(), 99);
  v.insert(0, -1);
  v.insert(50, 1000);
  v.insert(v.size(), 2000); // at the end
  EXPECT_EQ(v[0], -1);
  EXPECT_EQ(v[50], 1000);
  EXPECT_EQ(v[51], 49);
  EXPECT_EQ(v.last(), 2000);
  v.remove(50);
  v.remove(0);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[49], 49);
  EXPECT_EQ(v.size(), 101u);
  int sum = 0;
  for (int x : v)
    sum += x;
  EXPECT_EQ(sum, 4950 + 2000);
}

TEST(Vector, ConstructsAndDestroysElementsExactlyOnce) {
  Tracked::live = 0;
  {
    Vector<Tracked> v;
    for (int i = 0; i < 20; ++i)
      v.append(Tracked(i)); // crosses several reallocations
    EXPECT_EQ(Tracked::live, 20);
    v.resize(5);
    EXPECT_EQ(Tracked::live, 5);
    v.resize(8); // value-initialised newcomers
    EXPECT_EQ(Tracked::live, 8);
    EXPECT_EQ(v[7].value, 0);
    Vector<Tracked> copy = v;
    EXPECT_EQ(Tracked::live, 16);
    Vector<Tracked> moved = std::move(copy);
    EXPECT_EQ(Tracked::live, 16);
    EXPECT_TRUE(copy.empty());
    EXPECT_EQ(moved[4].value, 4);
    v.remove(0);
    EXPECT_EQ(v[0].value, 1);
    EXPECT_EQ(Tracked::live, 15);
    v.clear();
    EXPECT_EQ(Tracked::live, 8);
  }
  EXPECT_EQ(Tracked::live, 0);
}

TEST(Vector, CopyAssignmentReplacesContents) {
  Vector<String> a, b;
  a.append(String("one"));
  a.append(String("two"));
  b.append(String("old"));
  b = a;
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1], "two");
  Vector<String>& same = b;
  b = same; // self-assignment keeps contents
  EXPECT_EQ(b[0], "one");
}

TEST(Vector, TryReserveReportsFailureAndKeepsContents) {
  Vector<u64> v;
  v.append(7);
  EXPECT_FALSE(v.try_reserve(~usize{0} / 4)); // more bytes than an address space
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], 7);
  ASSERT_TRUE(v.try_reserve(4096));
  v.resize_for_overwrite(4096);
  EXPECT_EQ(v.size(), 4096u);
  EXPECT_EQ(v[0], 7); // what was there stays
}

TEST(String, HoldsAndAppendsText) {
  String empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_STREQ(empty.c_str(), "");
  EXPECT_EQ(empty.length(), 0u);
  String s("abc");
  EXPECT_EQ(s.length(), 3u);
  s.append("/def");
  EXPECT_EQ(s, "abc/def");
  EXPECT_STREQ(s.c_str(), "abc/def");
  String copy = s;
  copy.append("!");
  EXPECT_EQ(s, "abc/def"); // copies are independent
  String moved = std::move(copy);
  EXPECT_EQ(moved, "abc/def!");
  String embedded(std::string_view("a\0b", 3));
  EXPECT_EQ(embedded.length(), 3u);
  empty.append("");
  EXPECT_TRUE(empty.empty());
}

// ---- Formatter and errno names ----

TEST(Formatter, FormatsNumbersAndEscapes) {
  Formatter f;
  f.append("n=").append_int(-42).append(" min=").append_int(INT64_MIN).append(" hex=").append_hex(0xbeef);
  f.append(" oct=").append_octal(0755).append(" zero=").append_int(0);
  EXPECT_EQ(std::string(f.data(), f.size()), "n=-42 min=-9223372036854775808 hex=beef oct=755 zero=0");
  Formatter e;
  e.append_escaped(std::string_view("a\n\t\"\\\x01z", 7), 100);
  EXPECT_EQ(std::string(e.data(), e.size()), "a\\n\\t\\\"\\\\\\x1z");
  Formatter cut;
  cut.append_escaped("abcdef", 3);
  EXPECT_EQ(std::string(cut.data(), cut.size()), "abc...");
}

TEST(Errno, NamesMatchLinux) {
  EXPECT_STREQ(errno_name(Errno::enoent), "ENOENT");
  EXPECT_STREQ(errno_name(Errno::eloop), "ELOOP");
  EXPECT_STREQ(errno_name(Errno::would_block), "EAGAIN"); // internal code, user name
  EXPECT_EQ(static_cast<int>(Errno::eagain), 11);
  EXPECT_EQ(static_cast<int>(Errno::enametoolong), 36);
}

// ---- user memory copies (the HostPort's bounds checks) ----

class UserCopy : public LockedTest {};

TEST_F(UserCopy, StringsAreBoundedAndChecked) {
  UserMemory& m = host().memory();
  memcpy(m.at(0x20000), "hello", 6);
  auto s = copy_string_in(0x20000, 4096);
  ASSERT_FALSE(s.is_error());
  EXPECT_EQ(s.value(), "hello");
  // Exactly max bytes without a NUL is too long (PATH_MAX counts the NUL).
  memcpy(m.at(0x20100), "abcd", 5);
  EXPECT_EQ(copy_string_in(0x20100, 4).error(), Errno::enametoolong);
  EXPECT_FALSE(copy_string_in(0x20100, 5).is_error());
  EXPECT_EQ(copy_string_in(0, 4096).error(), Errno::efault);    // NULL
  EXPECT_EQ(copy_string_in(4095, 4096).error(), Errno::efault); // still the NULL page
  // A string running into the end of memory faults.
  UserAddr end = static_cast<UserAddr>(m.size());
  memset(m.at(end - 3), 'x', 3);
  EXPECT_EQ(copy_string_in(end - 3, 4096).error(), Errno::efault);
  EXPECT_EQ(copy_string_in(end, 4096).error(), Errno::efault);
  // ... unless max is reached first.
  EXPECT_EQ(copy_string_in(end - 3, 2).error(), Errno::enametoolong);
}

TEST_F(UserCopy, TypedCopiesFaultOutsideMemory) {
  UserAddr end = static_cast<UserAddr>(host().memory().size());
  EXPECT_FALSE(copy_out<u32>(end - 4, 7u).is_error());
  EXPECT_EQ(copy_in<u32>(end - 4).value(), 7u);
  EXPECT_EQ(copy_out<u32>(end - 3, 7u).error(), Errno::efault);
  EXPECT_EQ(copy_in<u64>(end - 4).error(), Errno::efault);
  EXPECT_EQ(copy_in<u32>(0).error(), Errno::efault);
  EXPECT_EQ(copy_in<u32>(0xfffffffe).error(), Errno::efault); // no wrap-around
  EXPECT_TRUE(host().copy_to_user(0, nullptr, 0));            // empty copies never fault
}

TEST_F(UserCopy, IoBufferSlicesUserAndKernelMemory) {
  char k[8] = "kernel";
  IoBuffer kb = IoBuffer::kernel(k, sizeof k);
  EXPECT_FALSE(kb.is_user());
  char out[3];
  ASSERT_FALSE(kb.slice(2, 3).read_into(out, 0, 3).is_error());
  EXPECT_EQ(std::string(out, 3), "rne");
  ASSERT_FALSE(kb.fill_zero(0, 2).is_error());
  EXPECT_EQ(k[0], 0);
  IoBuffer ub = IoBuffer::user(0x30000, 16);
  ASSERT_FALSE(ub.slice(4, 4).write_from(0, "abcd", 4).is_error());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(host().memory().at(0x30004)), 4), "abcd");
  EXPECT_EQ(IoBuffer::user(16, 4).write_from(0, "abcd", 4).error(), Errno::efault);
  UserAddr end = static_cast<UserAddr>(host().memory().size());
  EXPECT_EQ(IoBuffer::user(end - 2, 4).fill_zero(0, 4).error(), Errno::efault);
}

TEST_F(UserCopy, MemoryGrowsInWasmPages) {
  UserMemory& m = host().memory();
  u64 before = m.size();
  EXPECT_TRUE(host().user_memory_grow(2));
  EXPECT_EQ(host().user_memory_size(), before + 2 * 65536);
  EXPECT_EQ(*m.at(static_cast<UserAddr>(before + 65536)), 0); // fresh pages read zero
  EXPECT_FALSE(host().user_memory_grow(1u << 20));            // past the 1 GiB maximum
  EXPECT_EQ(host().user_memory_size(), before + 2 * 65536);
}

} // namespace
} // namespace wasmux::test
