// inotify_init1, inotify_add_watch, inotify_rm_watch (inotify(7), Linux fs/notify/inotify):
// watches on inodes, events queued per inotify instance and read as struct inotify_event
// records. The events come from this kernel's own system calls (event/fsnotify.h): on a
// host mount, what host programs do is not seen (docs/guest-abi.md).
#include "../fd/anon_file.h"
#include "../fd/file_description.h"
#include "../syscalls/path_helpers.h"
#include "../syscalls/syscall.h"
#include "../vfs/custody.h"
#include "../vfs/permission.h"
#include "../wait/wait_queue.h"
#include "fsnotify.h"

namespace wasmux {

namespace {

// /proc/sys/fs/inotify/max_queued_events: past it, one IN_Q_OVERFLOW.
constexpr usize max_queued_events = 16384;
constexpr usize event_header = 16; // struct inotify_event without its name
// Events a directory hears of its children (fsnotify_parent: FS_EVENTS_POSS_ON_CHILD).
constexpr u32 child_events = static_cast<u32>(abi::in_access | abi::in_modify | abi::in_attrib |
                                              abi::in_close_write | abi::in_close_nowrite | abi::in_open);

struct QueuedEvent {
  i32 wd;
  u32 mask;
  u32 cookie;
  String name;
  // Its record's size: the name padded with NULs to a multiple of the header's size.
  usize size() const {
    if (name.empty()) return event_header;
    return event_header + (name.length() + 1 + event_header - 1) / event_header * event_header;
  }
  bool same(const QueuedEvent& o) const {
    return wd == o.wd && mask == o.mask && cookie == o.cookie && name.view() == o.name.view();
  }
};

class Inotify final : public AnonFile {
public:
  static inline const char kind_tag = 0;
  Inotify() : AnonFile("inotify") { all().push_back(*this); }
  ~Inotify() override { m_all_node.unlink(); }
  const void* kind() const override { return &kind_tag; }
  bool can_poll() const override { return true; }
  bool supports_async() const override { return true; }

  struct Watch {
    i32 wd;
    RefPtr<Inode> inode;
    u32 mask;
  };

  Result<i32> add_watch(RefPtr<Inode> inode, u32 mask) {
    u32 events = mask & static_cast<u32>(abi::in_all_events | abi::in_oneshot | abi::in_excl_unlink);
    for (Watch& w : m_watches) {
      if (w.inode.ptr() != inode.ptr()) continue;
      if (mask & abi::in_mask_create) return Errno::eexist;
      w.mask = (mask & abi::in_mask_add) ? w.mask | events : events;
      return w.wd;
    }
    m_watches.append(Watch{m_next_wd, std::move(inode), events});
    return m_next_wd++;
  }

  ErrorOr remove_watch(i32 wd) {
    for (usize i = 0; i < m_watches.size(); ++i) {
      if (m_watches[i].wd != wd) continue;
      m_watches.remove(i);
      queue(wd, abi::in_ignored, 0, {});
      return {};
    }
    return Errno::einval;
  }

  // One event for every watch of this instance on inode whose mask asks for it.
  void deliver(Inode& inode, u32 mask, u32 cookie, std::string_view name) {
    for (usize i = 0; i < m_watches.size();) {
      Watch& w = m_watches[i];
      u32 wanted = mask & static_cast<u32>(abi::in_all_events);
      if (w.inode.ptr() != &inode || !(w.mask & wanted)) {
        ++i;
        continue;
      }
      i32 wd = w.wd;
      queue(wd, mask & (wanted | static_cast<u32>(abi::in_isdir)), cookie, name);
      if (w.mask & abi::in_oneshot) { // IN_ONESHOT: the watch goes after its first event
        m_watches.remove(i);
        queue(wd, abi::in_ignored, 0, {});
        continue;
      }
      ++i;
    }
  }

  // The inode is gone (its last link): its watches end.
  void forget(Inode& inode) {
    for (usize i = 0; i < m_watches.size();) {
      if (m_watches[i].inode.ptr() != &inode) {
        ++i;
        continue;
      }
      i32 wd = m_watches[i].wd;
      m_watches.remove(i);
      queue(wd, abi::in_ignored, 0, {});
    }
  }

  Result<usize> read(FileDescription&, const IoBuffer& buf, i64) override {
    if (m_events.empty()) return Errno::would_block;
    if (buf.size() < m_events[0].size()) return Errno::einval; // inotify(7): too small for one
    usize done = 0, taken = 0;
    for (; taken < m_events.size(); ++taken) {
      const QueuedEvent& e = m_events[taken];
      if (done + e.size() > buf.size()) break;
      u8 record[event_header + 256 + event_header]{};
      u32 len = static_cast<u32>(e.size() - event_header);
      __builtin_memcpy(record, &e.wd, 4);
      __builtin_memcpy(record + 4, &e.mask, 4);
      __builtin_memcpy(record + 8, &e.cookie, 4);
      __builtin_memcpy(record + 12, &len, 4);
      __builtin_memcpy(record + event_header, e.name.view().data(), e.name.length());
      TRY(buf.write_from(done, record, e.size()));
      done += e.size();
    }
    for (usize i = 0; i < taken; ++i)
      m_events.remove(0);
    return done;
  }

  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override {
    if (request != abi::fionread) return Errno::enotty;
    usize n = 0;
    for (const QueuedEvent& e : m_events)
      n += e.size();
    TRY(copy_out<i32>(arg, static_cast<i32>(n)));
    return 0;
  }

  u32 poll(u32 mask, PollTable* table) override {
    if (table) table->watch(m_readers);
    return m_events.empty() ? 0 : mask & static_cast<u32>(abi::pollin | abi::pollrdnorm);
  }

  void describe(Formatter& f) const override {
    AnonFile::describe(f);
    f.append(" watches ").append_int(static_cast<i64>(m_watches.size()));
    f.append(" events ").append_int(static_cast<i64>(m_events.size()));
  }

  ListNode m_all_node; // in all(): every inotify instance
  static IntrusiveList<Inotify, &Inotify::m_all_node>& all() {
    static auto* list = new IntrusiveList<Inotify, &Inotify::m_all_node>;
    return *list;
  }

private:
  void queue(i32 wd, u32 mask, u32 cookie, std::string_view name) {
    QueuedEvent e{wd, mask, cookie, String(name)};
    // inotify_merge: the same event as the last one queued is not queued again.
    if (!m_events.empty() && m_events.last().same(e)) return;
    if (m_events.size() >= max_queued_events) {
      QueuedEvent overflow{-1, static_cast<u32>(abi::in_q_overflow), 0, String()};
      if (!m_events.last().same(overflow)) m_events.append(std::move(overflow));
    } else {
      m_events.append(std::move(e));
    }
    m_readers.notify(abi::pollin | abi::pollrdnorm);
  }

  Vector<Watch> m_watches;
  i32 m_next_wd{1};
  Vector<QueuedEvent> m_events;
  WaitQueue m_readers;
};

void deliver_all(Inode& inode, u32 mask, u32 cookie, std::string_view name) {
  Inotify::all().for_each([&](Inotify& i) { i.deliver(inode, mask, cookie, name); });
}

} // namespace

void fsnotify(Custody& c, u32 mask) {
  bool dir = c.inode().metadata().is_dir();
  u32 m = mask | (dir ? static_cast<u32>(abi::in_isdir) : 0);
  deliver_all(c.inode(), m, 0, {});
  if ((mask & child_events) && c.parent() && c.parent() != &c) deliver_all(c.parent()->inode(), m, 0, c.name());
}

void fsnotify(FileDescription& d, u32 mask) {
  if (Custody* c = d.custody()) fsnotify(*c, mask);
}

void fsnotify_entry(Inode& dir, std::string_view name, u32 mask, bool is_dir, u32 cookie) {
  deliver_all(dir, mask | (is_dir ? static_cast<u32>(abi::in_isdir) : 0), cookie, name);
}

void fsnotify_self(Inode& inode, u32 mask) {
  deliver_all(inode, mask | (inode.metadata().is_dir() ? static_cast<u32>(abi::in_isdir) : 0), 0, {});
  if (mask & abi::in_delete_self) Inotify::all().for_each([&](Inotify& i) { i.forget(inode); });
}

u32 fsnotify_cookie() {
  static u32 next = 0;
  return ++next;
}

SyscallResult sys_inotify_init1(const SyscallArgs& a) {
  u32 flags = a.u32_(0);
  if (flags & ~static_cast<u32>(abi::in_cloexec | abi::in_nonblock)) return Errno::einval;
  return TRY(install_anon_file(make_ref<Inotify>(), flags));
}

SyscallResult sys_inotify_add_watch(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  Inotify* in = file_as<Inotify>(d->file());
  if (!in) return Errno::einval;
  u32 mask = a.u32_(2);
  // No event asked for, or both ways of combining masks: EINVAL (inotify_add_watch(2)).
  if (!(mask & abi::in_all_events)) return Errno::einval;
  if ((mask & abi::in_mask_add) && (mask & abi::in_mask_create)) return Errno::einval;
  Follow follow = (mask & abi::in_dont_follow) ? Follow::no : Follow::yes;
  auto c = TRY(resolve_at(abi::at_fdcwd, a.ptr(1), 0, follow));
  if ((mask & abi::in_onlydir) && !c->inode().metadata().is_dir()) return Errno::enotdir;
  TRY(inode_permission(c->inode(), may_read)); // a watch needs read permission
  return TRY(in->add_watch(c->inode_ref(), mask));
}

SyscallResult sys_inotify_rm_watch(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  Inotify* in = file_as<Inotify>(d->file());
  if (!in) return Errno::einval;
  TRY(in->remove_watch(a.i32_(1)));
  return 0;
}

} // namespace wasmux
