#include "fuzz_checks.h"
#include "base/heap.h"
#include "entry/big_lock.h"
#include "fd/file.h"
#include "fd/file_description.h"
#include "ipc/pipe.h"
#include "proc/process.h"
#include "wait/wait_queue.h"
#include <map>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace wasmux::fuzz {
namespace nr = test::nr;
using test::GuestProcess;

void fail(const char* what) {
  fprintf(stderr, "wasmux fuzz: %s\n", what);
  abort();
}

// A failed step of the tree's removal, with its path and errno.
[[noreturn]] static void fail_on(const char* what, const std::string& path, i64 result) {
  std::string message = std::string("scratch: ") + what + " " + path + ": " + errno_name(static_cast<Errno>(-result));
  fail(message.c_str());
}

void make_scratch_tree(GuestProcess& root, const char* path, i32 uid) {
  std::string base(path);
  // A tree left by a program that failed half-way is taken down first.
  abi::Stat st;
  if (root.stat(base, st, false) == 0) remove_scratch_tree(root, path);
  if (root.mkdir(base) != 0 || root.mkdir(base + "/a") != 0 || root.mkdir(base + "/a/b") != 0) fail("scratch: mkdir");
  root.write_file(base + "/f", "0123456789abcdef\n");
  root.write_file(base + "/a/f", "");
  if (root.symlink("a", base + "/l") != 0 || root.symlink("loop", base + "/loop") != 0 ||
      root.symlink("/nonexistent/x", base + "/dangling") != 0)
    fail("scratch: symlink");
  for (const char* name : {"", "/a", "/a/b", "/f", "/a/f", "/l", "/loop", "/dangling"}) {
    std::string p = base + name;
    if (root.sys(nr::fchownat, abi::at_fdcwd, root.str(p), uid, uid, abi::at_symlink_nofollow) != 0)
      fail("scratch: chown");
  }
}

// Depth-first, as root: modes do not stop it. Entries are listed before any is removed (a
// directory's listing may not be stable while it changes).
static void remove_tree(GuestProcess& root, const std::string& path, int depth) {
  if (depth > 64) fail("scratch: tree too deep to remove");
  abi::Stat st;
  if (root.stat(path, st, false) != 0) return;
  if ((st.st_mode & abi::s_ifmt) != abi::s_ifdir) {
    if (i64 r = root.unlink(path)) fail_on("unlink", path, r);
    return;
  }
  (void)root.sys(nr::fchmodat, abi::at_fdcwd, root.str(path), 0700);
  i64 fd = root.open(path, abi::o_rdonly | abi::o_directory);
  if (fd < 0) fail_on("open", path, fd);
  std::vector<std::string> names = root.list_dir(fd);
  root.close(fd);
  for (const auto& n : names)
    if (n != "." && n != "..") remove_tree(root, path + "/" + n, depth + 1);
  if (i64 r = root.rmdir(path)) {
    // What is left in it, for the report.
    i64 again = root.open(path, abi::o_rdonly | abi::o_directory);
    if (again >= 0)
      for (const auto& n : root.list_dir(again))
        fprintf(stderr, "wasmux fuzz: left in %s: '%s'\n", path.c_str(), n.c_str());
    fail_on("rmdir", path, r);
  }
}

void remove_scratch_tree(GuestProcess& root, const char* path) { remove_tree(root, path, 0); }

namespace {

// What the kernel holds with no program running: the processes boot made (and the
// descriptors each has open), and how many kernel objects of each kind are alive.
struct KernelCensus {
  usize processes = 0;
  std::map<i32, usize> open_fds; // by pid
  std::map<std::string, usize> live;
};

KernelCensus take_census() {
  KernelCensus c;
  c.processes = ProcessTable::the().count();
  ProcessTable::the().for_each([&](Process& p) { c.open_fds[p.pid()] = p.fds().open_count(); });
  c.live["process"] = RefCounted<Process>::live();
  c.live["thread"] = RefCounted<Thread>::live();
  c.live["open file description"] = RefCounted<FileDescription>::live();
  c.live["open file"] = RefCounted<File>::live();
  c.live["pipe"] = RefCounted<Pipe>::live();
  c.live["wait-queue registration"] = WaitEntry::live();
  return c;
}

KernelCensus baseline;

} // namespace

void record_baseline() {
  LockGuard lock;
  baseline = take_census();
}

void check_kernel_state() {
  if (big_lock().is_held()) fail("the big kernel lock is held with no program running");
  LockGuard lock;
  KernelCensus now = take_census();
  if (now.processes != baseline.processes) fail("a process of the program is left in the process table");
  bool sleeper = false;
  ProcessTable::the().for_each([&](Process& p) { p.for_each_thread([&](Thread& t) { sleeper |= t.sleeping(); }); });
  if (sleeper) fail("a thread sleeps in the kernel with no program running");
  // A program may touch no descriptor of the processes it did not make.
  if (now.open_fds != baseline.open_fds) fail("a process from boot has descriptors the program opened or closed");
  for (const auto& [kind, count] : now.live) {
    if (count == baseline.live[kind]) continue;
    std::string message = "a program left kernel objects behind: " + kind + ": " +
                          std::to_string(baseline.live[kind]) + " before, " + std::to_string(count) + " after";
    fail(message.c_str());
  }
  if (const char* problem = kernel_heap_check()) fail(problem);
}

void write_dictionary(const char* path, usize syscall_count) {
  FILE* f = fopen(path, "w");
  if (!f) fail("cannot write the dictionary");
  // FuzzedDataProvider takes integers from the end of the input, last byte first, one byte
  // for a range below 256: an operation that makes system call i of the table by the only
  // actor is its table index then the opcode 0 (a range of one actor takes no byte).
  if (syscall_count > 256) fail("the dictionary assumes fewer than 256 system calls");
  for (usize i = 0; i < syscall_count; ++i)
    fprintf(f, "\"\\x%02x\\x00\"\n", static_cast<unsigned>(i));
  fclose(f);
}

} // namespace wasmux::fuzz
