#include "program.h"

namespace wasmux {

Result<Vector<String>> copy_string_array(UserAddr array, usize& total) {
  Vector<String> out;
  if (!array) return out;
  for (u32 i = 0;; ++i) {
    UserAddr p = TRY(copy_in<u32>(array + i * 4));
    if (!p) break;
    // Linux limits each string to MAX_ARG_STRLEN (32 pages) and all of them together.
    constexpr usize max_arg_strlen = 32 * 4096;
    auto copied = copy_string_in(p, max_arg_strlen);
    if (copied.is_error()) return copied.error() == Errno::enametoolong ? Errno::e2big : copied.error();
    String s = copied.release_value();
    total += s.length() + 1 + 4;
    if (total > abi::arg_max) return Errno::e2big;
    out.append(std::move(s));
  }
  return out;
}

Result<RefPtr<Custody>> check_program(Process& p, std::string_view path) {
  auto custody = TRY(Vfs::the().resolve(p.cwd(), path, Follow::yes));
  InodeMetadata md = custody->inode().metadata();
  if (!md.is_regular()) return Errno::eacces;
  Credentials& c = p.credentials();
  u32 bits = c.euid == 0        ? (md.mode & 0111 ? 1 : 0)
             : md.uid == c.euid ? (md.mode >> 6) & 1
             : md.gid == c.egid ? (md.mode >> 3) & 1
                                : md.mode & 1;
  if (!bits) return Errno::eacces;
  u8 magic[4] = {};
  usize n = TRY(custody->inode().read_at(0, IoBuffer::kernel(magic, sizeof magic)));
  bool wasm = n >= 4 && magic[0] == 0 && magic[1] == 'a' && magic[2] == 's' && magic[3] == 'm';
  bool script = n >= 2 && magic[0] == '#' && magic[1] == '!';
  if (!wasm && !script) return Errno::enoexec;
  return custody;
}

// EACCES is remembered while the search goes on, as execvp(3) does; other errors stop it.
Result<RefPtr<Custody>> find_program(Process& p, std::string_view path, const String* search) {
  if (!search || path.find('/') != std::string_view::npos) return check_program(p, path);
  if (path.empty()) return Errno::enoent;
  bool denied = false;
  std::string_view dirs = search->view();
  for (;;) {
    usize colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    String candidate(dir.empty() ? std::string_view(".") : dir);
    candidate.append("/");
    candidate.append(path);
    auto r = check_program(p, candidate.view());
    if (!r.is_error()) return r;
    if (r.error() == Errno::eacces)
      denied = true;
    else if (r.error() != Errno::enoent && r.error() != Errno::enotdir && r.error() != Errno::eloop)
      return r.error();
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return denied ? Errno::eacces : Errno::enoent;
}

ProgramKey program_key(Inode& inode) {
  InodeMetadata md = inode.metadata();
  return {{static_cast<u64>(reinterpret_cast<uintptr_t>(&inode)), md.ino, static_cast<u64>(md.mtime_ns),
           static_cast<u64>(md.ctime_ns), static_cast<u64>(md.size)}};
}

Result<Vector<u8>> read_image(Inode& inode) {
  i64 size = inode.metadata().size;
  if (size <= 0 || size > (256 << 20)) return Errno::enoexec;
  Vector<u8> image;
  // The kernel heap may not hold it (a 256 MiB image, or many at once): ENOMEM then.
  if (!image.try_reserve(static_cast<usize>(size))) return Errno::enomem;
  image.resize_for_overwrite(static_cast<usize>(size));
  usize n = TRY(inode.read_at(0, IoBuffer::kernel(image.data(), image.size())));
  if (n != image.size()) return Errno::eio;
  return image;
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

} // namespace

// Linux fs/binfmt_script.c: the first line (at most BINPRM_BUF_SIZE = 256 bytes) names
// the interpreter after "#!" and blanks; what follows, trimmed, is one optional argument.
// Interpreters may themselves be scripts, up to 4 deep (BINPRM_MAX_RECURSION).
ErrorOr apply_interpreter(Process& p, RefPtr<Custody>& program, Vector<u8>& image, Vector<String>& argv) {
  for (u32 depth = 0;; ++depth) {
    if (image.size() < 2 || image[0] != '#' || image[1] != '!') return {};
    if (depth >= 4) return Errno::eloop;
    usize end = 2;
    while (end < image.size() && end < 256 && image[end] != '\n')
      ++end;
    std::string_view line(reinterpret_cast<const char*>(image.data()) + 2, end - 2);
    while (!line.empty() && is_blank(line.front()))
      line.remove_prefix(1);
    while (!line.empty() && (is_blank(line.back()) || line.back() == '\r'))
      line.remove_suffix(1);
    usize cut = 0;
    while (cut < line.size() && !is_blank(line[cut]))
      ++cut;
    std::string_view interpreter = line.substr(0, cut);
    std::string_view argument = line.substr(cut);
    while (!argument.empty() && is_blank(argument.front()))
      argument.remove_prefix(1);
    if (interpreter.empty()) return Errno::enoexec;
    Vector<String> next;
    next.append(String(interpreter));
    if (!argument.empty()) next.append(String(argument));
    next.append(program->absolute_path());
    for (usize i = 1; i < argv.size(); ++i)
      next.append(argv[i]);
    argv = std::move(next);
    program = TRY(check_program(p, interpreter));
    image = TRY(read_image(program->inode()));
  }
}

} // namespace wasmux
