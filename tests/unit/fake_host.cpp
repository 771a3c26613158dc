#include "fake_host.h"
#include <wasmux/abi.h> // before system headers (see kernel_fixture.h)
#include "vfs/inode.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <map>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <vector>

namespace wasmux::test {

// ---- user memory ----

UserMemory::UserMemory(u64 initial, u64 max) : m_max(max), m_size(initial) {
  // Reserved, not committed: pages cost nothing until touched, and read as zeros like
  // fresh wasm memory.
  void* p = mmap(nullptr, max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) abort();
  m_base = static_cast<u8*>(p);
}

UserMemory::~UserMemory() { munmap(m_base, m_max); }

u64 UserMemory::size() const { return m_size.load(std::memory_order_acquire); }

bool UserMemory::grow(u32 pages) {
  std::lock_guard<std::mutex> g(m_grow);
  u64 next = size() + u64{pages} * wasm_page;
  if (next > m_max) return false; // WebAssembly.Memory.grow throws past its maximum
  m_size.store(next, std::memory_order_release);
  return true;
}

u8* UserMemory::at(UserAddr addr) {
  if (addr >= size()) abort();
  return m_base + addr;
}

// ---- the port ----

namespace {

i64 clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return i64{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Mount id → absolute host directory. Global: mounts outlive the test that made them.
std::mutex g_mounts_lock;
std::map<u32, std::string> g_mounts;
u32 g_next_mount = 1;

// Open host files by handle, shared by every FakeHost (the Node host keeps one table per
// kernel instance; one global table is simpler and stricter).
std::mutex g_handles_lock;
std::map<i32, int> g_handles;
i32 g_next_handle = 1;

int fd_of(i32 handle) {
  std::lock_guard<std::mutex> g(g_handles_lock);
  auto it = g_handles.find(handle);
  return it == g_handles.end() ? -1 : it->second;
}

// The Node host's hostPath(): a path relative to the mount root, rejected (EACCES) when a
// component is empty, "." or ".." — defence in depth behind the kernel's own checks.
ErrorOr host_path(u32 mount, std::string_view rel, std::string& out) {
  {
    std::lock_guard<std::mutex> g(g_mounts_lock);
    auto it = g_mounts.find(mount);
    if (it == g_mounts.end()) return Errno::enoent;
    out = it->second;
  }
  if (rel.empty()) return {};
  for (std::string_view rest = rel;;) {
    usize slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return Errno::eacces;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  out += "/";
  out += rel;
  return {};
}

// The host's errno of the call that just failed, as the port reports it.
Errno fail() { return static_cast<Errno>(errno); }
ErrorOr done(int rc) {
  if (rc < 0) return fail();
  return {};
}

} // namespace

FakeHost::FakeHost() : m_memory(std::make_shared<UserMemory>()), m_captured(std::make_shared<Captured>()) {}

FakeHost::FakeHost(FakeHost& sibling) : m_memory(sibling.m_memory), m_captured(sibling.m_captured) {}

FakeHost::~FakeHost() = default;

u32 FakeHost::register_mount(const std::string& root) {
  std::lock_guard<std::mutex> g(g_mounts_lock);
  u32 id = g_next_mount++;
  g_mounts[id] = root;
  return id;
}

std::string FakeHost::captured(int fd) {
  std::lock_guard<std::mutex> g(m_captured->lock);
  return m_captured->out[fd];
}

std::string FakeHost::log_text() {
  std::lock_guard<std::mutex> g(m_captured->lock);
  return m_captured->log;
}

// The wasm port (host/wasm_host_port.cpp) refuses addresses in the NULL page before the
// host sees them; the host then checks the end against the memory size.
bool FakeHost::copy_from_user(void* dst, UserAddr src, usize len) {
  if (len != 0 && src < user_null_guard) return false;
  if (!m_memory->in_range(src, len)) return false;
  if (len) memcpy(dst, m_memory->at(src), len);
  return true;
}

bool FakeHost::copy_to_user(UserAddr dst, const void* src, usize len) {
  if (len != 0 && dst < user_null_guard) return false;
  if (!m_memory->in_range(dst, len)) return false;
  if (len) memcpy(m_memory->at(dst), src, len);
  return true;
}

bool FakeHost::fill_user(UserAddr dst, u8 byte, usize len) {
  if (len != 0 && dst < user_null_guard) return false;
  if (!m_memory->in_range(dst, len)) return false;
  if (len) memset(m_memory->at(dst), byte, len);
  return true;
}

// kernel_instance.ts user_strnlen: the NUL's index, max when max bytes hold none, -1 when
// the memory ends first.
Result<u32> FakeHost::user_compare_exchange(UserAddr addr, u32 expected, u32 desired) {
  if (addr < user_null_guard || addr % 4 || !m_memory->in_range(addr, 4)) return Errno::efault;
  auto* word = reinterpret_cast<std::atomic<u32>*>(m_memory->at(addr));
  word->compare_exchange_strong(expected, desired);
  return expected;
}

i64 FakeHost::user_strnlen(UserAddr src, usize max) {
  if (src < user_null_guard) return -1;
  u64 size = m_memory->size();
  if (u64{src} + 1 > size) return -1;
  u64 end = std::min<u64>(size, u64{src} + max);
  const u8* p = m_memory->at(src);
  const void* nul = memchr(p, 0, end - src);
  if (nul) return static_cast<const u8*>(nul) - p;
  return end - src >= max ? static_cast<i64>(max) : -1;
}

i64 FakeHost::realtime_ns() { return clock_ns(CLOCK_REALTIME); }
i64 FakeHost::monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }
i64 FakeHost::thread_cputime_ns() { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

void FakeHost::random_bytes(void* dst, usize len) {
  auto* p = static_cast<u8*>(dst);
  while (len) {
    ssize_t n = getrandom(p, len, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      abort();
    }
    p += n;
    len -= static_cast<usize>(n);
  }
}

Result<usize> FakeHost::stdio_write_kernel(i32 host_fd, const void* src, usize len) {
  if (i32 e = m_stdio_error.load()) return static_cast<Errno>(e);
  if (host_fd < 1) return Errno::ebadf;
  std::lock_guard<std::mutex> g(m_captured->lock);
  if (len) m_captured->out[host_fd].append(static_cast<const char*>(src), len);
  return len;
}

Result<usize> FakeHost::stdio_write_user(i32 host_fd, UserAddr src, usize len) {
  if (i32 e = m_stdio_error.load()) return static_cast<Errno>(e);
  // 1 and 2 are the host's streams, 3 on the embedder's channels (kernel_instance.ts).
  if (host_fd < 1) return Errno::ebadf;
  // The host checks only the range; the kernel has already refused the NULL page.
  if (!m_memory->in_range(src, len)) return Errno::efault;
  std::lock_guard<std::mutex> g(m_captured->lock);
  if (len) m_captured->out[host_fd].append(reinterpret_cast<const char*>(m_memory->at(src)), len);
  return len;
}

void FakeHost::log(const char* text, usize len) {
  std::lock_guard<std::mutex> g(m_captured->lock);
  m_captured->log.append(text, len);
}

namespace {
std::mutex g_terminations_lock;
std::vector<FakeHost::Termination> g_terminations;
std::atomic<int> g_timer_service_starts{0};
} // namespace

namespace {
std::mutex g_thread_starts_lock;
std::vector<std::pair<i32, i32>> g_thread_starts;
} // namespace

namespace {
std::mutex g_faults_lock;
HostFault g_faults[static_cast<int>(HostOp::count)];
bool g_fault_set[static_cast<int>(HostOp::count)];
} // namespace

void FakeHost::inject(HostOp op, HostFault fault) {
  std::lock_guard<std::mutex> g(g_faults_lock);
  g_faults[static_cast<int>(op)] = fault;
  g_fault_set[static_cast<int>(op)] = true;
}

void FakeHost::clear_faults() {
  std::lock_guard<std::mutex> g(g_faults_lock);
  for (bool& set : g_fault_set) set = false;
}

ErrorOr FakeHost::fault(HostOp op) {
  int delay = 0;
  {
    std::lock_guard<std::mutex> g(g_faults_lock);
    int i = static_cast<int>(op);
    if (!g_fault_set[i]) return {};
    HostFault& f = g_faults[i];
    if (f.skip > 0) {
      --f.skip;
      return {};
    }
    if (f.times == 0) return {};
    if (f.times > 0) --f.times;
    if (static_cast<i32>(f.error) != 0) return f.error;
    delay = f.delay_ms;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  return {};
}

ErrorOr FakeHost::start_thread(i32 pid, i32 tid) {
  TRY(fault(HostOp::start_thread));
  std::lock_guard<std::mutex> g(g_thread_starts_lock);
  g_thread_starts.push_back({pid, tid});
  return {};
}

std::vector<std::pair<i32, i32>> FakeHost::thread_starts() {
  std::lock_guard<std::mutex> g(g_thread_starts_lock);
  return g_thread_starts;
}

void FakeHost::clear_thread_starts() {
  std::lock_guard<std::mutex> g(g_thread_starts_lock);
  g_thread_starts.clear();
}

void FakeHost::terminate_thread(i32 pid, i32 tid, i32 wait_status, bool) {
  std::lock_guard<std::mutex> g(g_terminations_lock);
  g_terminations.push_back({pid, tid, wait_status});
}

std::vector<FakeHost::Termination> FakeHost::terminations() {
  std::lock_guard<std::mutex> g(g_terminations_lock);
  return g_terminations;
}

void FakeHost::clear_terminations() {
  std::lock_guard<std::mutex> g(g_terminations_lock);
  g_terminations.clear();
}

void FakeHost::start_timer_service() { ++g_timer_service_starts; }

namespace {
std::mutex g_interrupts_lock;
std::map<i32, int> g_interrupts;
} // namespace

void FakeHost::interrupt_thread(i32 pid, i32 tid) {
  std::lock_guard<std::mutex> g(g_interrupts_lock);
  ++g_interrupts[tid];
}

int FakeHost::interrupts_of(i32 tid) {
  std::lock_guard<std::mutex> g(g_interrupts_lock);
  return g_interrupts[tid];
}
i32 FakeHost::guest_function_params(u32 fn) {
  auto it = m_function_params.find(fn);
  return it == m_function_params.end() ? -1 : it->second;
}

int FakeHost::timer_service_starts() { return g_timer_service_starts; }

ErrorOr FakeHost::start_process(i32 pid, const void* image, usize len, const ProgramKey&, const WasmImageInfo&) {
  TRY(fault(HostOp::start_process));
  std::lock_guard<std::mutex> g(m_captured->lock);
  m_captured->starts.push_back({pid, std::string(static_cast<const char*>(image), len)});
  return {};
}

std::vector<ProcessStart> FakeHost::starts() {
  std::lock_guard<std::mutex> g(m_captured->lock);
  return m_captured->starts;
}

// ---- hostfs: POSIX calls that never follow a symlink on the host (lstat, O_NOFOLLOW) ----

ErrorOr FakeHost::host_stat(u32 mount, std::string_view path, HostStat& out) {
  TRY(fault(HostOp::stat));
  std::string p;
  TRY(host_path(mount, path, p));
  struct stat st {};
  if (lstat(p.c_str(), &st) < 0) return fail();
  out.mode = st.st_mode;
  out.nlink = static_cast<u32>(st.st_nlink);
  out.size = static_cast<u64>(st.st_size);
  out.ino = st.st_ino;
  out.atime_ns = i64{st.st_atim.tv_sec} * 1000000000 + st.st_atim.tv_nsec;
  out.mtime_ns = i64{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  out.ctime_ns = i64{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
  out.uid = st.st_uid;
  out.gid = st.st_gid;
  return {};
}

Result<i32> FakeHost::host_open(u32 mount, std::string_view path, i32 flags, u32 mode) {
  TRY(fault(HostOp::open));
  std::string p;
  TRY(host_path(mount, path, p));
  // Only these guest bits reach the host (host_fs.ts); spell them out rather than trust
  // that guest and native values agree.
  int acc = flags & 3;
  int f = (acc == 0 ? O_RDONLY : acc == 1 ? O_WRONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC;
  if (flags & abi::o_creat) f |= O_CREAT;
  if (flags & abi::o_excl) f |= O_EXCL;
  if (flags & abi::o_trunc) f |= O_TRUNC;
  int fd = open(p.c_str(), f, mode);
  if (fd < 0) return fail();
  std::lock_guard<std::mutex> g(g_handles_lock);
  i32 h = g_next_handle++;
  g_handles[h] = fd;
  return h;
}

void FakeHost::host_close(i32 handle) {
  std::lock_guard<std::mutex> g(g_handles_lock);
  auto it = g_handles.find(handle);
  if (it == g_handles.end()) return;
  close(it->second);
  g_handles.erase(it);
}

Result<usize> FakeHost::host_pread(i32 handle, void* dst, usize len, i64 offset) {
  TRY(fault(HostOp::pread));
  ssize_t n = pread(fd_of(handle), dst, len, offset);
  if (n < 0) return fail();
  return static_cast<usize>(n);
}

Result<usize> FakeHost::host_pwrite(i32 handle, const void* src, usize len, i64 offset) {
  TRY(fault(HostOp::pwrite));
  ssize_t n = pwrite(fd_of(handle), src, len, offset);
  if (n < 0) return fail();
  return static_cast<usize>(n);
}

ErrorOr FakeHost::host_ftruncate(i32 handle, i64 length) {
  TRY(fault(HostOp::ftruncate));
  return done(ftruncate(fd_of(handle), length));
}

ErrorOr FakeHost::host_fsync(i32 handle) {
  TRY(fault(HostOp::fsync));
  return done(fsync(fd_of(handle)));
}

ErrorOr FakeHost::host_readdir(u32 mount, std::string_view path, Vector<char>& names) {
  TRY(fault(HostOp::readdir));
  std::string p;
  TRY(host_path(mount, path, p));
  DIR* dir = opendir(p.c_str());
  if (!dir) return fail();
  names.clear();
  while (dirent* e = readdir(dir)) {
    std::string_view name(e->d_name);
    if (name == "." || name == "..") continue; // fs.readdirSync leaves them out
    names.append(static_cast<char>(e->d_type));
    for (char c : name)
      names.append(c);
    names.append('\0');
  }
  closedir(dir);
  return {};
}

ErrorOr FakeHost::host_mkdir(u32 mount, std::string_view path, u32 mode) {
  TRY(fault(HostOp::mkdir));
  std::string p;
  TRY(host_path(mount, path, p));
  return done(mkdir(p.c_str(), mode));
}

ErrorOr FakeHost::host_unlink(u32 mount, std::string_view path, bool directory) {
  TRY(fault(HostOp::unlink));
  std::string p;
  TRY(host_path(mount, path, p));
  return done((directory ? rmdir(p.c_str()) : unlink(p.c_str())));
}

ErrorOr FakeHost::host_rename(u32 mount, std::string_view from, std::string_view to) {
  TRY(fault(HostOp::rename));
  std::string a, b;
  TRY(host_path(mount, from, a));
  TRY(host_path(mount, to, b));
  return done(rename(a.c_str(), b.c_str()));
}

ErrorOr FakeHost::host_symlink(u32 mount, std::string_view target, std::string_view path) {
  std::string p;
  TRY(host_path(mount, path, p));
  return done(symlink(std::string(target).c_str(), p.c_str()));
}

ErrorOr FakeHost::host_readlink(u32 mount, std::string_view path, Vector<char>& target) {
  std::string p;
  TRY(host_path(mount, path, p));
  std::vector<char> buf(4096);
  for (;;) {
    ssize_t n = readlink(p.c_str(), buf.data(), buf.size());
    if (n < 0) return fail();
    if (static_cast<usize>(n) < buf.size()) {
      target.clear();
      for (ssize_t i = 0; i < n; ++i)
        target.append(buf[static_cast<usize>(i)]);
      return {};
    }
    buf.resize(buf.size() * 2);
  }
}

ErrorOr FakeHost::host_link(u32 mount, std::string_view from, std::string_view to) {
  std::string a, b;
  TRY(host_path(mount, from, a));
  TRY(host_path(mount, to, b));
  return done(linkat(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), 0));
}

ErrorOr FakeHost::host_chown(u32 mount, std::string_view path, u32 uid, u32 gid) {
  std::string p;
  TRY(host_path(mount, path, p));
  if (geteuid() != 0) return {};
  return done(lchown(p.c_str(), uid, gid));
}

ErrorOr FakeHost::host_chmod(u32 mount, std::string_view path, u32 mode) {
  std::string p;
  TRY(host_path(mount, path, p));
  struct stat st {};
  if (lstat(p.c_str(), &st) < 0) return fail();
  if (S_ISLNK(st.st_mode)) return Errno::enoent; // host_fs.ts refuses to chmod through a link
  return done(chmod(p.c_str(), mode));
}

ErrorOr FakeHost::host_utimens(u32 mount, std::string_view path, i64 atime_ns, i64 mtime_ns) {
  std::string p;
  TRY(host_path(mount, path, p));
  auto ts = [](i64 ns) {
    timespec t{};
    if (ns == Inode::time_omit) {
      t.tv_nsec = UTIME_OMIT;
    } else {
      // Floor division: a time before the epoch has a non-negative tv_nsec.
      i64 part = ns % 1000000000;
      t.tv_sec = ns / 1000000000 - (part < 0);
      t.tv_nsec = part < 0 ? part + 1000000000 : part;
    }
    return t;
  };
  timespec times[2] = {ts(atime_ns), ts(mtime_ns)};
  return done(utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW));
}

ErrorOr FakeHost::host_statfs(u32 mount, std::string_view path, HostStatfs& out) {
  std::string p;
  TRY(host_path(mount, path, p));
  struct statfs st {};
  if (::statfs(p.c_str(), &st) < 0) return fail();
  out = {static_cast<u64>(st.f_type), static_cast<u64>(st.f_bsize), st.f_blocks, st.f_bfree, st.f_bavail, st.f_files,
         st.f_ffree};
  return {};
}

// ---- temporary host directories ----

HostTempDir::HostTempDir() {
  char templ[] = "/tmp/wasmux-unit-XXXXXX";
  if (!mkdtemp(templ)) abort();
  m_path = templ;
}

HostTempDir::~HostTempDir() {
  // Depth-first, not following links: a test's symlinks may point anywhere.
  nftw(
      m_path.c_str(),
      [](const char* p, const struct stat*, int, FTW*) {
        remove(p); // best effort: a leftover directory must not fail the test
        return 0;
      },
      16, FTW_DEPTH | FTW_PHYS);
}

} // namespace wasmux::test
