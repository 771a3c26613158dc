#pragma once
// What the kernel checks of a program image before execve or posix_spawn passes its point
// of no return (docs/guest-abi.md, "Module shape"): a WebAssembly binary, built for this
// kernel's ABI version (the wasmux.abi custom section), importing its memory as a shared
// 32-bit memory. Anything else is ENOEXEC for the caller, as Linux's binfmt search ends
// when no handler recognises a file (fs/exec.c search_binary_handler). Compiling the code
// itself is the host's, after the point of no return.
#include "../base/result.h"
#include "../base/vector.h"

namespace wasmux {

struct WasmImageInfo {
  u32 initial_pages;
  u32 maximum_pages; // the module's own maximum, at most default_maximum_pages
};

// Why an image is ENOEXEC, for the host's one-line messages (abi/ "image" group).
struct WasmImageProblem {
  i64 what{0};        // abi::image_* (0: none)
  u32 abi_version{0}; // with image_other_abi
};

// A process may address at most this much (1 GiB) unless its module declares less.
inline constexpr u32 default_maximum_pages = 16384;

Result<WasmImageInfo> inspect_wasm_image(const u8* bytes, usize size, WasmImageProblem* problem = nullptr);

} // namespace wasmux
