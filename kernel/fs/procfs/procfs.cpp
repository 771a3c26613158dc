#include "procfs.h"

#include <utility>

#include "../../base/format.h"
#include "../../fd/file_description.h"
#include "../../proc/process.h"
#include "../../proc/thread.h"
#include "../../time/clocks.h"
#include "../../vfs/inode_file.h"
#include "../../vfs/vfs.h"

namespace wasmux {

namespace {

u64 g_proc_device = 0;

// Inode numbers: stable per (pid, kind, index), like Linux's proc inode numbers.
u64 proc_ino(i32 pid, u32 kind, u32 index = 0) {
  return (static_cast<u64>(pid) << 32) | (static_cast<u64>(kind) << 24) | index;
}

enum Kind : u32 {
  root = 1, self, pid_dir, fd_dir, fd_link, cwd_link, cmdline, comm, status, task_dir, tid_dir, exe_link, stat, statm
};

Process* process_of(i32 pid) { return ProcessTable::the().find(pid); }

// A thread of process pid, or nullptr.
Thread* thread_of(i32 pid, i32 tid) {
  Process* p = process_of(pid);
  Thread* found = nullptr;
  if (p)
    p->for_each_thread([&](Thread& t) {
      if (t.tid() == tid) found = &t;
    });
  return found;
}

// The state letter of fs/proc/array.c task_state: a zombie, stopped by a signal, running
// (in user code, or awake in the kernel) or sleeping in the kernel.
const char* thread_state(Process& p, Thread& t) {
  if (p.has_exited()) return "Z (zombie)";
  if (p.stopped()) return "T (stopped)";
  return t.sleeping() ? "S (sleeping)" : "R (running)";
}

// A process is running while any of its threads is.
const char* process_state(Process& p) {
  if (p.has_exited()) return "Z (zombie)";
  if (p.stopped()) return "T (stopped)";
  bool running = false, any = false;
  p.for_each_thread([&](Thread& t) {
    any = true;
    running |= !t.sleeping();
  });
  return running || !any ? "R (running)" : "S (sleeping)";
}

Result<i32> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 9) return Errno::enoent;
  i32 n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Errno::enoent;
    n = n * 10 + (c - '0');
  }
  return n;
}

class ProcInode : public Inode {
public:
  ProcInode(u32 mode, u64 ino) : Inode(g_proc_device), m_mode(mode), m_ino(ino) {}
  InodeMetadata metadata() override {
    InodeMetadata md;
    md.ino = m_ino;
    md.mode = m_mode;
    md.nlink = (m_mode & abi::s_ifmt) == abi::s_ifdir ? 2 : 1;
    return md;
  }
  // proc(5) files have fixed permissions.
  ErrorOr chmod(u32) override { return Errno::eperm; }
  ErrorOr chown(u32, u32) override { return Errno::eperm; }
  ErrorOr set_times(i64, i64) override { return Errno::eperm; }
  Result<usize> read_at(i64, const IoBuffer&) override { return Errno::eisdir; }
  Result<usize> write_at(i64, const IoBuffer&) override { return Errno::eacces; }
  ErrorOr statfs(abi::Statfs& out) override {
    fill_pseudo_statfs(out, static_cast<u32>(abi::proc_super_magic));
    // Debian mounts /proc nosuid, nodev, noexec.
    out.f_flags |= static_cast<u32>(abi::st_nosuid | abi::st_nodev | abi::st_noexec);
    return {};
  }

private:
  u32 m_mode;
  u64 m_ino;
};

// The inode behind a descriptor that has no path (a pipe end, the console): opening it
// again opens the same File.
class AnonymousInode final : public Inode {
public:
  explicit AnonymousInode(RefPtr<File> file) : Inode(g_proc_device), m_file(std::move(file)) {}
  InodeMetadata metadata() override {
    abi::Stat st{};
    (void)m_file->stat(st);
    InodeMetadata md;
    md.ino = st.st_ino;
    md.mode = st.st_mode;
    md.nlink = 1;
    md.rdev = st.st_rdev;
    return md;
  }
  Result<RefPtr<File>> open(u32) override { return m_file; }
  ErrorOr chmod(u32) override { return Errno::eperm; }
  ErrorOr chown(u32, u32) override { return Errno::eperm; }
  ErrorOr set_times(i64, i64) override { return Errno::eperm; }

private:
  RefPtr<File> m_file;
};

// A file whose text is generated when read.
// tid: a thread's own view (/proc/PID/task/TID/...), 0 for the process's.
class GeneratedFile final : public ProcInode {
public:
  GeneratedFile(i32 pid, Kind kind, i32 tid = 0)
      : ProcInode(abi::s_ifreg | 0444, proc_ino(tid ? tid : pid, kind)), m_pid(pid), m_tid(tid), m_kind(kind) {}
  Result<usize> read_at(i64 offset, const IoBuffer& buf) override {
    Process* p = process_of(m_pid);
    if (!p || (m_tid && !thread_of(m_pid, m_tid))) return Errno::esrch;
    Formatter f;
    generate(*p, f);
    if (offset >= static_cast<i64>(f.size())) return 0;
    usize n = min(buf.size(), f.size() - static_cast<usize>(offset));
    TRY(buf.write_from(0, f.data() + offset, n));
    return n;
  }
  ErrorOr truncate(i64) override { return Errno::eacces; }

private:
  void generate(Process& p, Formatter& f) {
    std::string_view short_name = p.comm();
    switch (m_kind) {
    case cmdline:
      for (auto& a : p.argv())
        f.append(a.view()).append(std::string_view("\0", 1));
      break;
    case comm: f.append(short_name).append("\n"); break;
    case status: {
      Credentials& c = p.credentials();
      Thread* t = m_tid ? thread_of(m_pid, m_tid) : nullptr;
      f.append("Name:\t").append(short_name).append("\nState:\t").append(t ? thread_state(p, *t) : process_state(p));
      f.append("\nTgid:\t").append_int(p.pid()).append("\nPid:\t").append_int(m_tid ? m_tid : p.pid());
      f.append("\nPPid:\t").append_int(p.ppid()).append("\nUid:\t").append_int(c.uid).append("\t").append_int(c.euid);
      f.append("\t").append_int(c.suid).append("\t").append_int(c.euid).append("\nGid:\t").append_int(c.gid);
      f.append("\t").append_int(c.egid).append("\t").append_int(c.sgid).append("\t").append_int(c.egid);
      f.append("\nThreads:\t").append_int(thread_count(p)).append("\n");
      signal_lines(p, t, f);
      break;
    }
    case stat: stat_line(p, m_tid ? thread_of(m_pid, m_tid) : nullptr, f); break;
    case statm: {
      // fs/proc/array.c proc_pid_statm: size resident shared text lib data dt, in pages.
      u64 used = p.memory().in_use_bytes() / MemoryMap::user_page;
      u64 size = max<u64>(p.memory().known_top() / MemoryMap::user_page, used);
      f.append_int(static_cast<i64>(size)).append(" ").append_int(static_cast<i64>(used)).append(" 0 0 0 ");
      f.append_int(static_cast<i64>(used)).append(" 0\n");
      break;
    }
    default: break;
    }
  }
  // /proc/PID/stat (fs/proc/array.c do_task_stat): 52 fields. Times are clock ticks (100 a
  // second; CPU time is all user time here), sizes from the memory map (every page in use
  // is resident: nothing is paged out), the signal sets as decimal numbers; what wasmux
  // has no counterpart for (page faults, code and stack addresses, a terminal) is 0.
  static void stat_line(Process& p, Thread* t, Formatter& f) {
    constexpr i64 ns_per_tick = 10000000;
    const char* state = t ? thread_state(p, *t) : process_state(p);
    auto [ignored, caught] = dispositions(p);
    Thread* main = t ? t : p.main_thread();
    u64 used = p.memory().in_use_bytes();
    u64 vsize = max<u64>(p.memory().known_top(), used);
    auto field = [&](i64 v) { f.append(" ").append_int(v); };
    f.append_int(t ? t->tid() : p.pid()).append(" (").append(p.comm()).append(") ");
    f.append(std::string_view(state, 1));
    field(p.ppid());
    field(p.pgid());
    field(p.sid());
    field(0);  // tty_nr
    field(-1); // tpgid
    field(0);  // flags
    for (int i = 0; i < 4; ++i)
      field(0); // minflt cminflt majflt cmajflt
    field(process_cpu_ns(p) / ns_per_tick);
    field(0);
    field(p.children_cpu_ns() / ns_per_tick);
    field(0);
    field(20 + p.nice()); // priority
    field(p.nice());
    field(thread_count(p));
    field(0); // itrealvalue
    field(p.start_ns() / ns_per_tick);
    field(static_cast<i64>(vsize));
    field(static_cast<i64>(used / MemoryMap::user_page));
    f.append(" 18446744073709551615"); // rsslim: RLIM_INFINITY
    for (int i = 0; i < 5; ++i)
      field(0); // startcode endcode startstack kstkesp kstkeip
    field(static_cast<i64>((main ? main->pending().pending() : 0) | p.shared_pending().pending()));
    field(static_cast<i64>(main ? main->blocked() : 0));
    field(static_cast<i64>(ignored));
    field(static_cast<i64>(caught));
    for (int i = 0; i < 3; ++i)
      field(0); // wchan nswap cnswap
    field(abi::sigchld); // exit_signal
    for (int i = 0; i < 13; ++i)
      field(0); // processor ... env_end
    field(p.has_exited() ? p.wait_status() : 0);
    f.append("\n");
  }
  // Its threads, those on their way out included (status's Threads, stat's num_threads).
  static i64 thread_count(Process& p) {
    i64 n = 0;
    p.for_each_thread([&](Thread&) { ++n; });
    return n;
  }
  // The signals p ignores and those it catches (SigIgn, SigCgt; stat's sigignore, sigcatch).
  static std::pair<SigSet, SigSet> dispositions(Process& p) {
    SigSet ignored = 0, caught = 0;
    for (i32 sig = 1; sig <= max_signal; ++sig) {
      u32 h = p.action(sig).handler;
      if (h == abi::sig_ign)
        ignored |= sig_bit(sig);
      else if (h != abi::sig_dfl)
        caught |= sig_bit(sig);
    }
    return {ignored, caught};
  }
  // The signal lines of /proc/PID/status (fs/proc/array.c task_sig): the thread's (the
  // main thread's for the process) pending set and mask, the process-wide pending set, the
  // ignored and caught signals, each 16 hex digits. SigQ is queued/limit.
  static void signal_lines(Process& p, Thread* t, Formatter& f) {
    if (!t) t = p.main_thread();
    auto [ignored, caught] = dispositions(p);
    auto line = [&](std::string_view label, SigSet set) {
      f.append(label).append(":\t");
      for (i32 shift = 60; shift >= 0; shift -= 4)
        f.append_hex((set >> shift) & 15);
      f.append("\n");
    };
    f.append("SigQ:\t").append_int(static_cast<i64>(p.shared_pending().queued() + (t ? t->pending().queued() : 0)));
    f.append("/").append_int(static_cast<i64>(SignalQueue::max_queued)).append("\n");
    line("SigPnd", t ? t->pending().pending() : 0);
    line("ShdPnd", p.shared_pending().pending());
    line("SigBlk", t ? t->blocked() : 0);
    line("SigIgn", ignored);
    line("SigCgt", caught);
  }

  i32 m_pid;
  i32 m_tid;
  Kind m_kind;
};

class FdLink final : public ProcInode {
public:
  FdLink(i32 pid, i32 fd)
      : ProcInode(abi::s_iflnk | 0700, proc_ino(pid, fd_link, static_cast<u32>(fd))), m_pid(pid), m_fd(fd) {}
  bool is_magic_link() const override { return true; }
  Result<String> readlink() override {
    auto d = TRY(description());
    if (d->custody()) return d->custody()->absolute_path();
    abi::Stat st{};
    TRY(d->file().stat(st));
    // Linux shows pipes as "pipe:[INODE]" (fs/pipe.c pipefs_dname), anonymous inodes as
    // "anon_inode:[eventfd]" (fs/anon_inodes.c).
    Formatter f;
    if (const char* anon = d->file().anon_name())
      f.append("anon_inode:").append(anon);
    else if ((st.st_mode & abi::s_ifmt) == abi::s_ififo)
      f.append("pipe:[").append_int(static_cast<i64>(st.st_ino)).append("]");
    else
      f.append("/dev/console");
    return String(std::string_view(f.data(), f.size()));
  }
  Result<RefPtr<Custody>> follow_magic_link(RefPtr<Custody> parent) override {
    auto d = TRY(description());
    if (d->custody()) return RefPtr<Custody>(d->custody());
    Formatter name;
    name.append_int(m_fd);
    return make_ref<Custody>(std::move(parent), std::string_view(name.data(), name.size()),
                             RefPtr<Inode>(make_ref<AnonymousInode>(RefPtr<File>(&d->file()))));
  }

private:
  Result<RefPtr<FileDescription>> description() {
    Process* p = process_of(m_pid);
    if (!p) return Errno::enoent;
    return p->fds().get(m_fd).is_error() ? Result<RefPtr<FileDescription>>(Errno::enoent) : p->fds().get(m_fd);
  }
  i32 m_pid;
  i32 m_fd;
};

// /proc/PID/cwd and /proc/PID/exe: links to a directory or file of the process (its
// working directory; the program it runs). Following one opens that very file, so a
// program can run itself again (libuv's uv_exepath, busybox's applets) though renamed.
class ProcessFileLink final : public ProcInode {
public:
  ProcessFileLink(i32 pid, Kind kind) : ProcInode(abi::s_iflnk | 0777, proc_ino(pid, kind)), m_pid(pid), m_kind(kind) {}
  bool is_magic_link() const override { return true; }
  Result<String> readlink() override {
    Custody* c = target();
    if (!c) return Errno::enoent;
    return c->absolute_path();
  }
  Result<RefPtr<Custody>> follow_magic_link(RefPtr<Custody>) override {
    Custody* c = target();
    if (!c) return Errno::enoent;
    return RefPtr<Custody>(c);
  }

private:
  Custody* target() {
    Process* p = process_of(m_pid);
    if (!p) return nullptr;
    return m_kind == cwd_link ? &p->cwd() : p->exe();
  }
  i32 m_pid;
  Kind m_kind;
};

class FdDir final : public ProcInode {
public:
  explicit FdDir(i32 pid) : ProcInode(abi::s_ifdir | 0500, proc_ino(pid, fd_dir)), m_pid(pid) {}
  Result<RefPtr<Inode>> lookup(std::string_view name) override {
    Process* p = process_of(m_pid);
    if (!p) return Errno::enoent;
    if (name == ".") return RefPtr<Inode>(this);
    i32 fd = TRY(parse_number(name));
    if (p->fds().get(fd).is_error()) return Errno::enoent;
    return RefPtr<Inode>(make_ref<FdLink>(m_pid, fd));
  }

protected:
  ErrorOr enumerate_impl(i64 after, EnumerateFn f, void* ctx) override {
    Process* p = process_of(m_pid);
    if (!p) return Errno::enoent;
    if (after < 1 && !f(ctx, {".", proc_ino(m_pid, fd_dir), abi::dt_dir, 1})) return {};
    if (after < 2 && !f(ctx, {"..", proc_ino(m_pid, pid_dir), abi::dt_dir, 2})) return {};
    for (i32 fd = 0; fd < p->fds().slot_count(); ++fd) {
      i64 cookie = fd + 3;
      if (cookie <= after || !p->fds().entry(fd)) continue;
      Formatter name;
      name.append_int(fd);
      if (!f(ctx, {std::string_view(name.data(), name.size()), proc_ino(m_pid, fd_link, static_cast<u32>(fd)),
                   abi::dt_lnk, cookie}))
        break;
    }
    return {};
  }

private:
  i32 m_pid;
};

struct PidEntry {
  const char* name;
  Kind kind;
  u8 type;
};
constexpr PidEntry pid_entries[] = {{"fd", fd_dir, abi::dt_dir},         {"cwd", cwd_link, abi::dt_lnk},
                                    {"exe", exe_link, abi::dt_lnk},
                                    {"cmdline", cmdline, abi::dt_reg},   {"comm", comm, abi::dt_reg},
                                    {"stat", stat, abi::dt_reg},         {"statm", statm, abi::dt_reg},
                                    {"status", status, abi::dt_reg},     {"task", task_dir, abi::dt_dir}};
// /proc/PID/task/TID has the same, less "task" (fs/proc/base.c tid_base_stuff).
constexpr usize tid_entry_count = sizeof pid_entries / sizeof pid_entries[0] - 1;

class TaskDir;

// /proc/PID and /proc/PID/task/TID (tid 0: the process's own directory).
class PidDir final : public ProcInode {
public:
  explicit PidDir(i32 pid, i32 tid = 0)
      : ProcInode(abi::s_ifdir | 0555, proc_ino(tid ? tid : pid, tid ? tid_dir : pid_dir)), m_pid(pid), m_tid(tid) {}
  Result<RefPtr<Inode>> lookup(std::string_view name) override;

protected:
  ErrorOr enumerate_impl(i64 after, EnumerateFn f, void* ctx) override {
    if (after < 1 && !f(ctx, {".", metadata().ino, abi::dt_dir, 1})) return {};
    if (after < 2 && !f(ctx, {"..", m_tid ? proc_ino(m_pid, task_dir) : proc_ino(0, root), abi::dt_dir, 2})) return {};
    i64 cookie = 2;
    for (usize i = 0; i < entry_count(); ++i) {
      const PidEntry& e = pid_entries[i];
      if (++cookie <= after) continue;
      if (!f(ctx, {e.name, proc_ino(m_tid ? m_tid : m_pid, e.kind), e.type, cookie})) break;
    }
    return {};
  }

private:
  usize entry_count() const { return m_tid ? tid_entry_count : tid_entry_count + 1; }
  i32 m_pid;
  i32 m_tid;
};

// /proc/PID/task: a directory per thread, named by its id.
class TaskDir final : public ProcInode {
public:
  explicit TaskDir(i32 pid) : ProcInode(abi::s_ifdir | 0555, proc_ino(pid, task_dir)), m_pid(pid) {}
  Result<RefPtr<Inode>> lookup(std::string_view name) override {
    if (!process_of(m_pid)) return Errno::enoent;
    if (name == ".") return RefPtr<Inode>(this);
    i32 tid = TRY(parse_number(name));
    if (!thread_of(m_pid, tid)) return Errno::enoent;
    return RefPtr<Inode>(make_ref<PidDir>(m_pid, tid));
  }

protected:
  ErrorOr enumerate_impl(i64 after, EnumerateFn f, void* ctx) override {
    Process* p = process_of(m_pid);
    if (!p) return Errno::enoent;
    if (after < 1 && !f(ctx, {".", proc_ino(m_pid, task_dir), abi::dt_dir, 1})) return {};
    if (after < 2 && !f(ctx, {"..", proc_ino(m_pid, pid_dir), abi::dt_dir, 2})) return {};
    // Cookies are tid + 3, in id order, so a listing resumes right while threads come and go.
    Vector<i32> tids;
    p->for_each_thread([&](Thread& t) {
      if (t.tid() + 3 > after) tids.append(t.tid());
    });
    for (usize i = 1; i < tids.size(); ++i)
      for (usize j = i; j > 0 && tids[j - 1] > tids[j]; --j) std::swap(tids[j - 1], tids[j]);
    for (i32 tid : tids) {
      Formatter name;
      name.append_int(tid);
      if (!f(ctx, {std::string_view(name.data(), name.size()), proc_ino(tid, tid_dir), abi::dt_dir, tid + 3})) break;
    }
    return {};
  }

private:
  i32 m_pid;
};

Result<RefPtr<Inode>> PidDir::lookup(std::string_view name) {
  if (!process_of(m_pid) || (m_tid && !thread_of(m_pid, m_tid))) return Errno::enoent;
  if (name == ".") return RefPtr<Inode>(this);
  for (usize i = 0; i < entry_count(); ++i) {
    const PidEntry& e = pid_entries[i];
    if (name != e.name) continue;
    switch (e.kind) {
    case fd_dir: return RefPtr<Inode>(make_ref<FdDir>(m_pid));
    case cwd_link:
    case exe_link: return RefPtr<Inode>(make_ref<ProcessFileLink>(m_pid, e.kind));
    case task_dir: return RefPtr<Inode>(make_ref<TaskDir>(m_pid));
    default: return RefPtr<Inode>(make_ref<GeneratedFile>(m_pid, e.kind, m_tid));
    }
  }
  return Errno::enoent;
}

class SelfLink final : public ProcInode {
public:
  SelfLink() : ProcInode(abi::s_iflnk | 0777, proc_ino(0, self)) {}
  Result<String> readlink() override {
    Thread* t = current_thread();
    if (!t) return Errno::enoent;
    Formatter f;
    f.append_int(t->process().pid());
    return String(std::string_view(f.data(), f.size()));
  }
};

class ProcRoot final : public ProcInode {
public:
  ProcRoot() : ProcInode(abi::s_ifdir | 0555, proc_ino(0, root)) {}
  Result<RefPtr<Inode>> lookup(std::string_view name) override {
    if (name == ".") return RefPtr<Inode>(this);
    if (name == "self") return RefPtr<Inode>(make_ref<SelfLink>());
    i32 pid = TRY(parse_number(name));
    if (!process_of(pid)) return Errno::enoent;
    return RefPtr<Inode>(make_ref<PidDir>(pid));
  }

protected:
  ErrorOr enumerate_impl(i64 after, EnumerateFn f, void* ctx) override {
    if (after < 1 && !f(ctx, {".", proc_ino(0, root), abi::dt_dir, 1})) return {};
    if (after < 2 && !f(ctx, {"..", proc_ino(0, root), abi::dt_dir, 2})) return {};
    if (after < 3 && !f(ctx, {"self", proc_ino(0, self), abi::dt_lnk, 3})) return {};
    // Cookies are pid + 3, so a listing resumes correctly while processes come and go.
    for (i32 pid = after < 4 ? 1 : static_cast<i32>(after - 3) + 1; pid <= 32768; ++pid) {
      if (!process_of(pid)) continue;
      Formatter name;
      name.append_int(pid);
      if (!f(ctx, {std::string_view(name.data(), name.size()), proc_ino(pid, pid_dir), abi::dt_dir, pid + 3})) break;
    }
    return {};
  }
};

} // namespace

ErrorOr mount_procfs() {
  g_proc_device = allocate_device_number();
  auto root = Vfs::the().root();
  TRY(root->inode().mkdir("proc", 0555, 0, 0));
  auto mountpoint = TRY(Vfs::the().resolve(*root, "/proc", Follow::yes));
  return Vfs::the().mount(*mountpoint, RefPtr<Inode>(make_ref<ProcRoot>()));
}

} // namespace wasmux
