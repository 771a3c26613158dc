// What a freestanding C++ kernel needs on wasm32: a heap in kernel memory, operator
// new/delete, the mem* functions and a few ABI hooks (TOOLCHAIN-NOTES "The kernel").
// Every caller holds the big lock, so the heap needs no locking of its own.
#if defined(__wasm__)
#include <cstddef>
#include <new>

#include "types.h"

namespace wasmux {
namespace {

// Small blocks: power-of-two classes from 16 bytes to 2 KiB, carved from 64 KiB chunks.
// Large blocks: whole 4 KiB multiples, first fit from a free list, else memory.grow.
// Each block is preceded by a 16-byte header holding its size (keeps 16-byte alignment).
constexpr usize header = 16;
constexpr int class_count = 8; // 16 << 7 = 2048
struct FreeBlock {
  FreeBlock* next;
  usize size; // large blocks: whole block size including header
};
FreeBlock* g_small_free[class_count];
FreeBlock* g_large_free;
char* g_chunk_cursor;
char* g_chunk_end;

char* grow_pages(usize bytes) {
  usize pages = (bytes + 65535) / 65536;
  long old = __builtin_wasm_memory_grow(0, pages);
  if (old < 0) return nullptr;
  return reinterpret_cast<char*>(static_cast<usize>(old) * 65536);
}

int class_of(usize n) {
  usize size = 16;
  for (int c = 0; c < class_count; ++c, size <<= 1)
    if (n <= size) return c;
  return -1;
}

void* allocate(usize n) {
  if (n == 0) n = 1;
  int c = class_of(n);
  if (c >= 0) {
    usize block = (usize{16} << c) + header;
    if (FreeBlock* b = g_small_free[c]) {
      g_small_free[c] = b->next;
      // The free-list link overwrote the size tag: put it back.
      *reinterpret_cast<usize*>(b) = static_cast<usize>(c);
      return reinterpret_cast<char*>(b) + header;
    }
    if (g_chunk_cursor + block > g_chunk_end) {
      g_chunk_cursor = grow_pages(65536);
      if (!g_chunk_cursor) return nullptr;
      g_chunk_end = g_chunk_cursor + 65536;
    }
    char* p = g_chunk_cursor;
    g_chunk_cursor += block;
    *reinterpret_cast<usize*>(p) = static_cast<usize>(c);
    return p + header;
  }
  usize need = (n + header + 4095) & ~usize{4095};
  for (FreeBlock** link = &g_large_free; *link; link = &(*link)->next) {
    FreeBlock* b = *link;
    if (b->size < need) continue;
    if (b->size - need >= 4096) {
      // Split: keep the tail on the list.
      auto* rest = reinterpret_cast<FreeBlock*>(reinterpret_cast<char*>(b) + need);
      rest->next = b->next;
      rest->size = b->size - need;
      *link = rest;
    } else {
      need = b->size;
      *link = b->next;
    }
    char* p = reinterpret_cast<char*>(b);
    *reinterpret_cast<usize*>(p) = need;
    return p + header;
  }
  char* p = grow_pages(need);
  if (!p) return nullptr;
  usize got = (need + 65535) & ~usize{65535};
  if (got > need) {
    auto* rest = reinterpret_cast<FreeBlock*>(p + need);
    rest->next = g_large_free;
    rest->size = got - need;
    g_large_free = rest;
  }
  *reinterpret_cast<usize*>(p) = need;
  return p + header;
}

void release(void* ptr) {
  if (!ptr) return;
  char* p = static_cast<char*>(ptr) - header;
  usize tag = *reinterpret_cast<usize*>(p);
  auto* b = reinterpret_cast<FreeBlock*>(p);
  if (tag < class_count) {
    b->next = g_small_free[tag];
    g_small_free[tag] = b;
    return;
  }
  b->size = tag;
  b->next = g_large_free;
  g_large_free = b;
}

} // namespace
} // namespace wasmux

void* operator new(std::size_t n) { return wasmux::allocate(n); }
void* operator new[](std::size_t n) { return wasmux::allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return wasmux::allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return wasmux::allocate(n); }
void operator delete(void* p) noexcept { wasmux::release(p); }
void operator delete[](void* p) noexcept { wasmux::release(p); }
void operator delete(void* p, std::size_t) noexcept { wasmux::release(p); }
void operator delete[](void* p, std::size_t) noexcept { wasmux::release(p); }

extern "C" {
void* wasmux_kmalloc(std::size_t n) { return wasmux::allocate(n); }
void wasmux_kfree(void* p) { wasmux::release(p); }

// With bulk memory, clang lowers these bodies to memory.copy / memory.fill.
void* memcpy(void* d, const void* s, std::size_t n) {
  __builtin_memcpy(d, s, n);
  return d;
}
void* memmove(void* d, const void* s, std::size_t n) {
  __builtin_memmove(d, s, n);
  return d;
}
void* memset(void* d, int c, std::size_t n) {
  __builtin_memset(d, c, n);
  return d;
}
int memcmp(const void* a, const void* b, std::size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] - y[i];
  return 0;
}
std::size_t strlen(const char* s) {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}
void* memchr(const void* s, int c, std::size_t n) {
  auto* p = static_cast<const unsigned char*>(s);
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + i);
  return nullptr;
}
void __cxa_pure_virtual() { __builtin_trap(); }
void abort() { __builtin_trap(); }
}

namespace std {
const nothrow_t nothrow{}; // declared unversioned in <new>
} // namespace std

_LIBCPP_BEGIN_NAMESPACE_STD
[[noreturn]] void __libcpp_verbose_abort(const char*, ...) noexcept { __builtin_trap(); }
_LIBCPP_END_NAMESPACE_STD
#endif
