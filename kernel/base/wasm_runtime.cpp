// What a freestanding C++ kernel needs on wasm32: the heap (heap.h) in kernel memory, operator
// new/delete, the mem* functions and a few ABI hooks (TOOLCHAIN-NOTES "The kernel").
// Every caller holds the big lock, so the heap needs no locking of its own.
#if defined(__wasm__)
#include <atomic>
#include <cstddef>
#include <new>

#include "arch.h"
#include "heap.h"
#include "types.h"

namespace wasmux {
namespace {

// The kernel memory's size in pages after the last growth (arch::catch_up_with_memory_growth),
// and what the calling instance last saw. Both change only under the big lock.
std::atomic<u32> g_memory_pages{0};
thread_local u32 t_seen_pages = 0;

char* grow_pages(usize bytes) {
  long old = __builtin_wasm_memory_grow(0, bytes / 65536);
  if (old < 0) return nullptr;
  u32 now = static_cast<u32>(old + bytes / 65536);
  g_memory_pages.store(now, std::memory_order_relaxed);
  t_seen_pages = now;
  return reinterpret_cast<char*>(static_cast<usize>(old) * 65536);
}

constinit Heap g_heap(grow_pages);

// operator new may not return null (-fno-exceptions): a kernel out of memory stops here,
// at a trap the host reports as a kernel panic, rather than writing through a null pointer
// into the kernel's data.
void* allocate(usize n) {
  void* p = g_heap.allocate(n);
  if (!p) __builtin_trap();
  return p;
}
void release(void* p) { g_heap.release(p); }

} // namespace

namespace arch {
void catch_up_with_memory_growth() {
  u32 pages = g_memory_pages.load(std::memory_order_relaxed);
  if (pages == t_seen_pages) return;
  // A growth by zero pages changes nothing but makes V8 refresh this instance's size
  // (measured in Node 24: without it, memory.copy into the new pages traps).
  __builtin_wasm_memory_grow(0, 0);
  t_seen_pages = pages;
}
} // namespace arch

usize kernel_heap_in_use() { return g_heap.bytes_in_use(); }
usize kernel_heap_size() { return g_heap.bytes_from_system(); }
const char* kernel_heap_check() { return g_heap.check(); }

} // namespace wasmux

void* operator new(std::size_t n) { return wasmux::allocate(n); }
void* operator new[](std::size_t n) { return wasmux::allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return wasmux::g_heap.allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return wasmux::g_heap.allocate(n); }
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
  while (s[n])
    ++n;
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
