// The syscall fuzzer: libFuzzer with ASan and UBSan over the native kernel and the fake
// host of the unit tests. An input is a program of system calls made by up to max_actors
// threads (the first process, its forks and spawns, and the threads clone makes in any of
// them), with arguments drawn by kind from the
// generated syscall table: descriptors, valid and invalid user addresses, sizes, flag
// masks, paths of a small tree. After each program every process is killed and reaped,
// its scratch tree removed, and the kernel's state checked (fuzz_checks.h); leaks are
// LeakSanitizer's. scripts/fuzz.sh runs it; docs/fuzzing.md says what it found.
//
// Input format (read with FuzzedDataProvider): a sequence of operations, each an opcode
// byte and an actor byte, then the operation's own bytes (see run_operation).
#include "actors.h"
#include "fuzz_checks.h"
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>
#include <vector>

namespace wasmux::fuzz {
namespace nr = test::nr;

// ---- the calls a program may make ----

struct Spec {
  int nr;
  const char* name;
  const char* kinds; // "fd,p,sz": one kind per argument (abi/syscalls)
};

// Calls the harness cannot play: they need the host to run new code in the process
// (execve), or are operations of their own (clone of a thread, exit, exit_group).
bool excluded(std::string_view name) {
  static const char* const names[] = {"exit", "exit_group", "execve", "execveat", "clone", "clone3", "vfork"};
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

const std::vector<Spec>& specs() {
  static const std::vector<Spec> table = [] {
    std::vector<Spec> t;
#define WASMUX_SYSCALL(number, name, level, nargs, kinds, names)                                                       \
  if (std::string_view(#level) != "none" && !excluded(#name)) t.push_back({number, #name, kinds});
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
    return t;
  }();
  return table;
}

// Paths, relative to the program's scratch directory (its processes' cwd) or absolute but
// outside anything they may write: a program cannot reach past its tree (no "..", no
// /proc/self/root), so what it creates goes away with the tree.
const char* const path_pool[] = {
    "a",
    "a/b",
    "a/b/c",
    "f",
    "g",
    "a/f",
    "l",
    "l/b",
    "loop",
    "dangling",
    "p",
    "f/",
    "a//b",
    ".",
    "a/.",
    "",
    "/",
    "/dev/null",
    "/dev/zero",
    "/proc/self/status",
    "/proc/self/fd",
    "/proc/self",
    "/nonexistent",
    "/proc/1/status",
    "/proc/self/fd/0",
    "/dev",
};
constexpr i32 fuzz_uid = 1000;
constexpr const char* scratch = "/tmp/fuzz";

void lay_out(Actor& a) {
  GuestProcess& p = *a.process_guest();
  Layout& l = a.layout();
  // Each buffer starts with the same bytes (no zeros: a buffer passed as a path is a long
  // name), made once.
  static const auto pattern = [] {
    std::array<u8, Layout::buffer_size> bytes;
    for (usize i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<u8>(i * 7 + 1);
    return bytes;
  }();
  for (auto& b : l.buffers) {
    b = p.alloc(Layout::buffer_size, 64);
    memcpy(a.host().memory().at(b), pattern.data(), pattern.size());
  }
  l.paths.clear();
  for (const char* s : path_pool)
    l.paths.append(p.str(s));
  // A name longer than NAME_MAX, and one longer than PATH_MAX.
  l.paths.append(p.str(std::string(300, 'n')));
  l.paths.append(p.str(std::string(5000, 'a').replace(1, 1, "/")));
}

// System calls made by all programs so far (printed at exit: scripts/fuzz.sh reports it).
u64 syscalls_made = 0;
u64 programs_run = 0;
// WASMUX_FUZZ_TRACE=1: each call and its result on stderr (for replaying one input).
bool tracing = false;

// ---- arguments ----

class Program {
public:
  Program(const u8* data, usize size) : m_in(data, size) {}
  void run();

private:
  i64 arg(char kind, Actor& a);
  i64 pointer(Actor& a);
  i64 path(Actor& a);
  i64 pid_like(Actor& a);
  Actor* pick_actor();
  void operation();
  void syscall(Actor& a);
  void fork(Actor& a);
  void clone_thread(Actor& a);
  void adopt_new_processes();
  void adopt_new_threads();
  void end();

  FuzzedDataProvider m_in;
  std::vector<std::unique_ptr<Actor>> m_actors;
  std::vector<usize> m_starts_seen; // per actor: process starts of its host already adopted
  usize m_thread_starts_seen = 0;   // of FakeHost::thread_starts()
  static constexpr usize max_actors = 8;
  static constexpr int max_operations = 128;
};

i64 Program::pointer(Actor& a) {
  const Layout& l = a.layout();
  u64 size = a.host().memory().size();
  switch (m_in.ConsumeIntegralInRange<int>(0, 11)) {
  case 0: return 0;
  case 1: return l.buffers[1] + 1;           // misaligned
  case 2: return static_cast<i64>(size - 8); // runs past the end
  case 3: return static_cast<i64>(size);     // just past the end
  case 4: return 0xfffffff0;
  case 5: return l.paths[m_in.ConsumeIntegralInRange<usize>(0, l.paths.size() - 1)];
  case 6: return 4096; // low memory: the guest's stack
  default: return l.buffers[m_in.ConsumeIntegralInRange<usize>(0, Layout::buffer_count - 1)];
  }
}

i64 Program::path(Actor& a) {
  if (m_in.ConsumeIntegralInRange<int>(0, 15) == 0) return pointer(a);
  const Layout& l = a.layout();
  return l.paths[m_in.ConsumeIntegralInRange<usize>(0, l.paths.size() - 1)];
}

i64 Program::pid_like(Actor& a) {
  i32 some = m_actors[m_in.ConsumeIntegralInRange<usize>(0, m_actors.size() - 1)]->pid();
  switch (m_in.ConsumeIntegralInRange<int>(0, 5)) {
  case 0: return some;
  case 1: return -some;
  case 2: return 0;
  case 3: return -1;
  case 4: return 1; // init
  default: return a.pid();
  }
}

i64 Program::arg(char kind, Actor& a) {
  switch (kind) {
  case 'f': { // fd
    int sel = m_in.ConsumeIntegralInRange<int>(0, 15);
    if (sel < 10) return sel;
    static const i64 odd[] = {-1, abi::at_fdcwd, 1023, 1024, 0x7fffffff, -0x80000000ll};
    return odd[sel - 10];
  }
  case 'p': return pointer(a);
  case 's': return path(a);
  case 'z': { // sz
    static const i64 sizes[] = {0, 1, 7, 8, 64, 4096, 65536, 0xffffffff, -1, 16, 128, 1 << 20};
    int sel = m_in.ConsumeIntegralInRange<int>(0, 12);
    return sel < 12 ? sizes[sel] : m_in.ConsumeIntegralInRange<i64>(0, 8192);
  }
  case 'x': { // flags
    switch (m_in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return 0;
    case 1: return m_in.ConsumeIntegral<u8>();
    case 2: return m_in.ConsumeIntegral<u16>();
    default: return m_in.ConsumeIntegral<u32>();
    }
  }
  case 'L': { // 64-bit offsets
    static const i64 offsets[] = {0, 1, -1, 4096, 1ll << 31, 1ll << 40, 0x7fffffffffffffffll, -4096};
    return offsets[m_in.ConsumeIntegralInRange<int>(0, 7)];
  }
  case 'o': { // modes
    static const i64 modes[] = {0, 0644, 0755, 0777, 07777, 0100644, 0170000};
    int sel = m_in.ConsumeIntegralInRange<int>(0, 7);
    return sel < 7 ? modes[sel] : m_in.ConsumeIntegral<u16>();
  }
  default: { // i, u, L: small numbers, signals, ids, commands
    int sel = m_in.ConsumeIntegralInRange<int>(0, 7);
    if (sel == 0) return pid_like(a);
    if (sel == 1) return m_in.ConsumeIntegral<i32>();
    if (sel == 2) return -1;
    return m_in.ConsumeIntegralInRange<i64>(0, 70);
  }
  }
}

// ---- operations ----

Actor* Program::pick_actor() {
  usize i = m_in.ConsumeIntegralInRange<usize>(0, m_actors.size() - 1);
  Actor* a = m_actors[i].get();
  return a->idle() ? a : nullptr;
}

void Program::syscall(Actor& a) {
  const auto& table = specs();
  const Spec& s = table[m_in.ConsumeIntegralInRange<usize>(0, table.size() - 1)];
  i64 args[6]{};
  int n = 0;
  for (const char* k = s.kinds; *k && n < 6; ++n) {
    // Kinds are "fd", "p", "sz", "s", "x", "o", "i", "u", "L", comma separated
    // (abi/syscalls.tbl).
    char kind = k[0] == 's' && k[1] == 'z' ? 'z' : k[0];
    args[n] = arg(kind, a);
    while (*k && *k != ',')
      ++k;
    if (*k == ',') ++k;
  }
  i64 result;
  bool returned = a.call(s.nr, args, result);
  ++syscalls_made;
  if (tracing) {
    fprintf(stderr, "[%d] %s(%lld, %lld, %lld, %lld, %lld, %lld)", a.pid(), s.name, (long long)args[0],
            (long long)args[1], (long long)args[2], (long long)args[3], (long long)args[4], (long long)args[5]);
    if (returned)
      fprintf(stderr, " = %lld\n", (long long)result);
    else
      fprintf(stderr, " asleep\n");
  }
}

void Program::fork(Actor& a) {
  if (m_actors.size() >= max_actors) return;
  auto child = std::make_shared<i32>(0);
  a.run([child](Actor& self) {
    self.enter();
    LockGuard lock;
    auto r = fork_current_process();
    *child = r.is_error() ? 0 : r.value();
  });
  if (tracing) fprintf(stderr, "[%d] fork() = %d\n", a.pid(), *child);
  if (*child <= 0) return;
  m_actors.push_back(std::make_unique<Actor>(*child));
  m_starts_seen.push_back(0);
  lay_out(*m_actors.back());
}

// A thread as pthread_create makes one (or, one time in eight, with other flags, which the
// kernel must refuse), its start record and the words it reports its id in drawn from the
// caller's memory. The new thread is adopted at once (adopt_new_threads).
void Program::clone_thread(Actor& a) {
  if (m_actors.size() >= max_actors) return;
  i64 flags = test::clone_thread_flags;
  if (m_in.ConsumeIntegralInRange<int>(0, 7) == 0) flags ^= i64{1} << m_in.ConsumeIntegralInRange<int>(0, 31);
  const Layout& l = a.layout();
  i64 args[6]{flags,
              0x9000, // the stack pointer: only recorded
              pointer(a),
              0, // tls
              l.buffers[m_in.ConsumeIntegralInRange<usize>(0, Layout::buffer_count - 1)] +
                  4 * m_in.ConsumeIntegralInRange<i64>(0, 15), // the word cleared (and woken) at its end
              pointer(a)};
  i64 result = 0;
  bool returned = a.call(nr::clone, args, result);
  ++syscalls_made;
  if (tracing)
    fprintf(stderr, "[%d] clone(%#llx, ..., %lld, %lld) = %s%lld\n", a.pid(), (long long)flags, (long long)args[4],
            (long long)args[5], returned ? "" : "asleep ", (long long)result);
}

// Threads clone made run as actors of their own, on their process's memory.
void Program::adopt_new_threads() {
  auto starts = test::FakeHost::thread_starts();
  for (; m_thread_starts_seen < starts.size(); ++m_thread_starts_seen) {
    auto [pid, tid] = starts[m_thread_starts_seen];
    Actor* owner = nullptr;
    for (auto& a : m_actors)
      if (!a->is_thread() && a->pid() == pid) owner = a.get();
    if (!owner) fail("clone started a thread in a process that is not the program's");
    m_actors.push_back(std::make_unique<Actor>(*owner, tid));
    m_starts_seen.push_back(0);
    if (tracing) fprintf(stderr, "[%d] thread %d %s\n", pid, tid, m_actors.back()->dead() ? "ended before it ran" : "runs");
  }
}

// Processes the kernel asked a host to start (posix_spawn) run as actors of their own: the
// kernel waits for them like any child.
void Program::adopt_new_processes() {
  for (usize i = 0; i < m_actors.size(); ++i) {
    if (m_actors[i]->is_thread()) continue; // its process's host records its starts
    auto starts = m_actors[i]->host().starts();
    for (; m_starts_seen[i] < starts.size(); ++m_starts_seen[i]) {
      i32 pid = starts[m_starts_seen[i]].pid;
      m_actors.push_back(std::make_unique<Actor>(pid));
      m_starts_seen.push_back(0);
      lay_out(*m_actors.back());
    }
  }
}

void Program::operation() {
  u8 op = m_in.ConsumeIntegral<u8>();
  Actor* a = pick_actor();
  if (!a) return;
  if (op < 216) {
    syscall(*a);
  } else if (op < 224) {
    clone_thread(*a);
  } else if (op < 236) {
    fork(*a);
  } else if (op < 240) {
    // exit_group, or exit of the calling thread alone.
    int call = op < 238 ? nr::exit_group : nr::exit;
    i64 args[6]{m_in.ConsumeIntegralInRange<i64>(0, 255)};
    i64 ignored;
    a->call(call, args, ignored);
    if (tracing) fprintf(stderr, "[%d] %s(%lld)\n", a->pid(), op < 238 ? "exit_group" : "exit", (long long)args[0]);
  } else {
    // Bytes of the input into one of the actor's buffers: structures for the next calls.
    std::vector<u8> bytes = m_in.ConsumeBytes<u8>(m_in.ConsumeIntegralInRange<usize>(1, 64));
    if (bytes.empty()) return;
    usize at = m_in.ConsumeIntegralInRange<usize>(0, Layout::buffer_size - bytes.size());
    UserAddr buf = a->layout().buffers[m_in.ConsumeIntegralInRange<usize>(0, Layout::buffer_count - 1)];
    memcpy(a->host().memory().at(buf + static_cast<UserAddr>(at)), bytes.data(), bytes.size());
  }
  adopt_new_processes();
  adopt_new_threads();
}

void Program::run() {
  GuestProcess root("/");
  make_scratch_tree(root, scratch, fuzz_uid);
  test::FakeHost::clear_thread_starts();
  m_actors.push_back(std::make_unique<Actor>(scratch));
  m_starts_seen.push_back(0);
  lay_out(*m_actors[0]);
  // An ordinary user: what it may change is its tree (and not the kernel's /dev or /).
  for (int nr : {nr::setresgid, nr::setresuid}) {
    i64 args[6]{fuzz_uid, fuzz_uid, fuzz_uid}, r;
    if (!m_actors[0]->call(nr, args, r) || r != 0) fail("could not drop the first actor's privileges");
  }
  ++programs_run;
  for (int i = 0; i < max_operations && m_in.remaining_bytes() > 0; ++i)
    operation();
  // The end: every process killed (which wakes whatever sleeps), its thread joined, then
  // taken out of the process table, children first (a process's threads before it).
  adopt_new_processes();
  adopt_new_threads();
  for (auto& a : m_actors)
    (void)root.sys(nr::kill, a->pid(), abi::sigkill);
  for (auto it = m_actors.rbegin(); it != m_actors.rend(); ++it)
    it->reset();
  m_actors.clear();
  remove_scratch_tree(root, scratch);
}

} // namespace wasmux::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace wasmux;
  test::UserMemory::default_max = 64u << 20; // a program's mmap may not take gigabytes
  test::boot_kernel_once();
  fuzz::record_baseline();
  fuzz::tracing = getenv("WASMUX_FUZZ_TRACE") != nullptr;
  atexit([] {
    fprintf(stderr, "wasmux fuzz: %llu system calls in %llu programs\n",
            static_cast<unsigned long long>(fuzz::syscalls_made), static_cast<unsigned long long>(fuzz::programs_run));
  });
  if (const char* dict = getenv("WASMUX_FUZZ_WRITE_DICTIONARY")) {
    fuzz::write_dictionary(dict, fuzz::specs().size());
    exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wasmux::fuzz::Program(data, size).run();
  wasmux::fuzz::check_kernel_state();
  return 0;
}
