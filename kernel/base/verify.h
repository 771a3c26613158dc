#pragma once
// VERIFY(cond): an invariant the kernel's correctness rests on (the big lock held by the
// caller, the calling thread being the one acted on). When it does not hold, the kernel
// panics: it logs what failed and where, and traps, which the host reports as a kernel
// panic with the state dump (SerenityOS VERIFY, Linux BUG_ON). Cheap enough to stay on.
namespace wasmux {

[[noreturn]] void verify_failed(const char* condition, const char* file, int line);

} // namespace wasmux

#define VERIFY(cond)                                                                                                   \
  do {                                                                                                                 \
    if (!(cond)) [[unlikely]]                                                                                          \
      ::wasmux::verify_failed(#cond, __FILE__, __LINE__);                                                              \
  } while (0)

// The calling kernel instance holds the big lock (entry/big_lock.h).
#define VERIFY_LOCKED() VERIFY(::wasmux::big_lock().held_by_caller())
