#include "wasm_image.h"

#include <string_view>

#include <wasmux/abi.h>

namespace wasmux {

namespace {

// A bounds-checked reader of the binary format (WebAssembly core spec, "Binary Format");
// any overrun or malformed number makes the image ENOEXEC.
class Reader {
public:
  Reader(const u8* p, usize n) : m_p(p), m_end(p + n) {}
  bool done() const { return m_p >= m_end; }
  usize left() const { return static_cast<usize>(m_end - m_p); }
  ErrorOr byte(u8& out) {
    if (m_p >= m_end) return Errno::enoexec;
    out = *m_p++;
    return {};
  }
  ErrorOr u32_leb(u32& out) {
    u64 v = 0;
    for (u32 shift = 0; shift < 35; shift += 7) {
      u8 b;
      TRY(byte(b));
      v |= static_cast<u64>(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        if (v > 0xffffffffu) return Errno::enoexec;
        out = static_cast<u32>(v);
        return {};
      }
    }
    return Errno::enoexec;
  }
  ErrorOr skip(usize n) {
    if (n > left()) return Errno::enoexec;
    m_p += n;
    return {};
  }
  ErrorOr name(std::string_view& out) {
    u32 len;
    TRY(u32_leb(len));
    if (len > left()) return Errno::enoexec;
    out = std::string_view(reinterpret_cast<const char*>(m_p), len);
    m_p += len;
    return {};
  }
  const u8* at() const { return m_p; }

private:
  const u8* m_p;
  const u8* m_end;
};

struct Limits {
  u8 flags{0};
  u32 initial{0};
  u32 maximum{0};
};

ErrorOr read_limits(Reader& r, Limits& l) {
  TRY(r.byte(l.flags));
  TRY(r.u32_leb(l.initial));
  if (l.flags & 1) TRY(r.u32_leb(l.maximum));
  return {};
}

constexpr u8 section_custom = 0, section_import = 2;
constexpr u8 import_func = 0, import_table = 1, import_memory = 2, import_global = 3, import_tag = 4;
constexpr u8 limits_has_max = 1, limits_shared = 2, limits_memory64 = 4;

} // namespace

namespace {

Result<WasmImageInfo> inspect(const u8* bytes, usize size, WasmImageProblem& problem) {
  static constexpr u8 header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  problem.what = abi::image_not_wasm;
  if (size < sizeof header || __builtin_memcmp(bytes, header, sizeof header) != 0) return Errno::enoexec;
  problem.what = abi::image_malformed;
  Reader r(bytes + sizeof header, size - sizeof header);
  bool have_abi = false, have_memory = false;
  u32 abi_version = 0;
  Limits memory;
  while (!r.done()) {
    u8 id;
    u32 length;
    TRY(r.byte(id));
    TRY(r.u32_leb(length));
    if (length > r.left()) return Errno::enoexec;
    Reader s(r.at(), length);
    TRY(r.skip(length));
    if (id == section_custom) {
      std::string_view name;
      TRY(s.name(name));
      if (name != "wasmux.abi") continue;
      if (s.left() < 4) return Errno::enoexec;
      const u8* v = s.at();
      abi_version = v[0] | v[1] << 8 | v[2] << 16 | static_cast<u32>(v[3]) << 24;
      have_abi = true;
    } else if (id == section_import) {
      u32 count;
      TRY(s.u32_leb(count));
      for (u32 i = 0; i < count; ++i) {
        std::string_view module, field;
        u8 kind, b;
        u32 index;
        TRY(s.name(module));
        TRY(s.name(field));
        TRY(s.byte(kind));
        Limits l;
        switch (kind) {
        case import_func: TRY(s.u32_leb(index)); break;
        case import_table:
          TRY(s.byte(b));
          TRY(read_limits(s, l));
          break;
        case import_memory:
          TRY(read_limits(s, l));
          if (module == "env" && field == "memory") {
            memory = l;
            have_memory = true;
          }
          break;
        case import_global:
          TRY(s.byte(b));
          TRY(s.byte(b));
          break;
        case import_tag:
          TRY(s.byte(b));
          TRY(s.u32_leb(index));
          break;
        default: return Errno::enoexec;
        }
      }
    }
  }
  problem.what = !have_abi ? abi::image_no_abi_section : abi::image_other_abi;
  problem.abi_version = abi_version;
  if (!have_abi || abi_version != abi::abi_version) return Errno::enoexec;
  // A 32-bit shared memory with a maximum (the threads proposal requires one).
  problem.what = abi::image_no_shared_memory;
  if (!have_memory || !(memory.flags & limits_shared) || !(memory.flags & limits_has_max) ||
      (memory.flags & limits_memory64) || memory.initial > memory.maximum)
    return Errno::enoexec;
  problem.what = 0;
  return WasmImageInfo{memory.initial, min(memory.maximum, default_maximum_pages)};
}

} // namespace

Result<WasmImageInfo> inspect_wasm_image(const u8* bytes, usize size, WasmImageProblem* problem) {
  WasmImageProblem ignored;
  return inspect(bytes, size, problem ? *problem : ignored);
}

} // namespace wasmux
