// epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 (epoll(7), Linux fs/eventpoll.c).
//
// A registration (EpollItem) is keyed by the open file description and the descriptor
// number it was added with; it puts an entry on each wait queue of the file (File::poll
// with a table), and the entries' notifications move it to the epoll's ready list. A wait
// takes items from that list only, so it costs what is ready, not what is registered:
// each is polled again (readiness is re-checked, never assumed), reported, and then
// level-triggered ones go back to the tail (the next wait reports the others first, so
// more ready items than maxevents are served round-robin), EPOLLET ones wait for another
// notification, EPOLLONESHOT ones are disarmed until EPOLL_CTL_MOD. A registration lives
// as long as its description: closing one descriptor of a dup'd file keeps it, and a new
// file under the same number is not it.
#include "../fd/anon_file.h"
#include "../fd/file_description.h"
#include "../syscalls/poll.h"
#include "../syscalls/syscall.h"
#include "../wait/wait_queue.h"

namespace wasmux {

namespace {

// Linux EP_PRIVATE_BITS: flags of a registration that are not events.
constexpr u32 private_bits = static_cast<u32>(abi::epollwakeup | abi::epolloneshot | abi::epollet | abi::epollexclusive);
// What EPOLLEXCLUSIVE may be combined with (fs/eventpoll.c EPOLLEXCLUSIVE_OK_BITS).
constexpr u32 exclusive_ok_bits = static_cast<u32>(abi::pollin | abi::pollout | abi::pollerr | abi::pollhup |
                                                   abi::epollwakeup | abi::epollet | abi::epollexclusive);
constexpr u32 always_reported = static_cast<u32>(abi::pollerr | abi::pollhup);
// fs/eventpoll.c EP_MAX_NESTS: at most four epolls inside one another on any path.
constexpr i32 max_nesting = 4;

class Epoll;

struct EpollItem;

// One entry of a registration on one wait queue of the watched file.
class EpollEntry final : public WaitEntry {
public:
  EpollEntry(EpollItem& item, u32 interest) : WaitEntry(interest), m_item(item) {}
  bool notify(u32 events) override;

private:
  EpollItem& m_item;
};

struct EpollItem final : public DescriptionWatch {
  EpollItem(Epoll& owner, FileDescription& d, i32 number) : epoll(owner), description(&d), fd(number) {}
  ~EpollItem() override {
    for (EpollEntry* e : entries)
      delete e;
    ready_node.unlink();
  }
  void description_released() override;
  // What a wait reports now: the file's events among those registered.
  u32 current_events() { return description->file().poll(events & ~private_bits, nullptr) & events & ~private_bits; }
  bool armed() const { return events & ~private_bits; }

  Epoll& epoll;
  FileDescription* description; // the registration goes with it (description_released)
  i32 fd;
  u32 events{0}; // with EPOLLERR and EPOLLHUP, and the private bits
  u64 data{0};
  Vector<EpollEntry*> entries;
  ListNode ready_node;
};

// The poll table of a registration: an entry on each queue the file watches.
class ItemTable final : public PollTable {
public:
  explicit ItemTable(EpollItem& item) : m_item(item) {}
  void watch(WaitQueue& queue) override {
    auto* e = new EpollEntry(m_item, m_item.events | always_reported);
    e->set_exclusive(m_item.events & abi::epollexclusive);
    queue.add(*e);
    m_item.entries.append(e);
  }

private:
  EpollItem& m_item;
};

using ReadyList = IntrusiveList<EpollItem, &EpollItem::ready_node>;

class Epoll final : public AnonFile {
public:
  static inline const char kind_tag = 0;
  Epoll() : AnonFile("[eventpoll]") { all().push_back(*this); }
  ~Epoll() override {
    for (EpollItem* item : m_items)
      delete item;
    m_all_node.unlink();
  }
  const void* kind() const override { return &kind_tag; }
  bool can_poll() const override { return true; }

  EpollItem* find(FileDescription* d, i32 fd) {
    usize at = position(d, fd);
    return at < m_items.size() && key_equal(*m_items[at], d, fd) ? m_items[at] : nullptr;
  }

  void add(FileDescription& d, i32 fd, u32 events, u64 data) {
    auto* item = new EpollItem(*this, d, fd);
    item->events = events | always_reported;
    item->data = data;
    m_items.insert(position(&d, fd), item);
    d.add_watch(*item);
    // Readiness sampled now, with the entries put on the file's queues (ep_insert).
    ItemTable table(*item);
    if (d.file().poll(item->events & ~private_bits, &table) & item->events) make_ready(*item);
  }

  void modify(EpollItem& item, u32 events, u64 data) {
    item.events = events | always_reported;
    item.data = data;
    for (EpollEntry* e : item.entries)
      e->set_interest(item.events);
    // A disarmed EPOLLONESHOT registration is armed again, and sampled (ep_modify).
    if (item.current_events()) make_ready(item);
  }

  void remove(EpollItem& item) {
    usize at = position(item.description, item.fd);
    VERIFY(at < m_items.size() && m_items[at] == &item);
    m_items.remove(at);
    delete &item;
  }

  // An entry of item was notified: on the ready list, waiters and pollers told.
  void make_ready(EpollItem& item) {
    if (!item.ready_node.linked()) m_ready.push_back(item);
    m_waiters.notify(abi::pollin);
    m_pollers.notify(abi::pollin | abi::pollrdnorm);
  }

  // Reports up to max ready events into `out` (ep_send_events). EFAULT only when nothing
  // could be written.
  Result<i32> send_events(UserPtr<abi::EpollEvent> out, i32 max) {
    ReadyList scan;
    while (EpollItem* item = m_ready.first()) {
      item->ready_node.unlink();
      scan.push_back(*item);
    }
    i32 n = 0;
    Errno failed{};
    while (n < max) {
      EpollItem* item = scan.first();
      if (!item) break;
      item->ready_node.unlink();
      u32 revents = item->current_events();
      if (!revents) continue; // notified, but not ready any more: dropped until the next
      abi::EpollEvent ev{revents, 0, item->data};
      if (auto w = (out + static_cast<usize>(n)).write(ev); w.is_error()) {
        scan.insert_before(*item, scan.first());
        failed = w.error();
        break;
      }
      ++n;
      if (item->events & abi::epolloneshot)
        item->events &= private_bits; // disarmed until EPOLL_CTL_MOD
      else if (!(item->events & abi::epollet))
        m_ready.push_back(*item); // level-triggered: again next time, after the others
    }
    // What was not reached goes back to the head, before the level-triggered ones.
    EpollItem* head = m_ready.first();
    while (EpollItem* item = scan.first()) {
      item->ready_node.unlink();
      m_ready.insert_before(*item, head);
    }
    // Another thread waiting on this epoll takes what is left (ep_done_scan).
    if (!m_ready.empty()) m_waiters.notify(abi::pollin);
    if (n == 0 && failed != Errno{}) return failed;
    return n;
  }

  // poll on the epoll itself (ep_eventpoll_poll): readable while an item on the ready list
  // really is ready; those that are not are dropped from it.
  u32 poll(u32 mask, PollTable* table) override {
    if (table) table->watch(m_pollers);
    return has_ready() ? mask & static_cast<u32>(abi::pollin | abi::pollrdnorm) : 0;
  }

  bool has_ready() {
    bool ready = false;
    m_ready.for_each([&](EpollItem& item) {
      if (ready) return;
      if (item.current_events())
        ready = true;
      else
        item.ready_node.unlink();
    });
    return ready;
  }

  WaitQueue& waiters() { return m_waiters; }

  // The longest chain of epolls inside this one (0: none inside).
  i32 depth_below() {
    i32 depth = 0;
    for (EpollItem* item : m_items)
      if (Epoll* inner = file_as<Epoll>(item->description->file())) depth = max(depth, 1 + inner->depth_below());
    return depth;
  }
  // The longest chain of epolls this one is inside (0: none).
  i32 depth_above() {
    i32 depth = 0;
    all().for_each([&](Epoll& outer) {
      for (EpollItem* item : outer.m_items)
        if (&item->description->file() == this) depth = max(depth, 1 + outer.depth_above());
    });
    return depth;
  }
  // Whether `target` is this epoll or inside it, at any depth.
  bool contains(Epoll& target) {
    if (&target == this) return true;
    for (EpollItem* item : m_items)
      if (Epoll* inner = file_as<Epoll>(item->description->file()); inner && inner->contains(target)) return true;
    return false;
  }

  void describe(Formatter& f) const override {
    AnonFile::describe(f);
    f.append(" items ").append_int(static_cast<i64>(m_items.size()));
  }

  ListNode m_all_node;

private:
  static IntrusiveList<Epoll, &Epoll::m_all_node>& all() {
    static auto* list = new IntrusiveList<Epoll, &Epoll::m_all_node>;
    return *list;
  }
  static bool key_less(const EpollItem& i, FileDescription* d, i32 fd) {
    return i.description != d ? i.description < d : i.fd < fd;
  }
  static bool key_equal(const EpollItem& i, FileDescription* d, i32 fd) { return i.description == d && i.fd == fd; }
  // Where (d, fd) is or would go in m_items, kept in key order.
  usize position(FileDescription* d, i32 fd) const {
    usize lo = 0, hi = m_items.size();
    while (lo < hi) {
      usize mid = (lo + hi) / 2;
      if (key_less(*m_items[mid], d, fd))
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  Vector<EpollItem*> m_items; // in key order: (description, fd)
  ReadyList m_ready;
  WaitQueue m_waiters; // threads in epoll_wait (exclusive: one woken per notification)
  WaitQueue m_pollers; // poll, select and epolls watching this one
};

bool EpollEntry::notify(u32 events) {
  EpollItem& item = m_item;
  if (!item.armed()) return false; // EPOLLONESHOT, already reported
  if (!(events & item.events)) return false;
  bool waited_on = item.epoll.waiters().has_waiters();
  item.epoll.make_ready(item);
  if (!(item.events & abi::epollexclusive)) return true;
  // ep_poll_callback: an exclusive registration takes a wake-up of the kind it asked for,
  // and only when a thread waits on its epoll (else the next registration is told too).
  if (!waited_on) return false;
  switch (events & static_cast<u32>(abi::pollin | abi::pollout)) {
  case abi::pollin: return item.events & abi::pollin;
  case abi::pollout: return item.events & abi::pollout;
  case 0: return true;
  default: return false;
  }
}

void EpollItem::description_released() { epoll.remove(*this); }

Result<Epoll*> epoll_of(i32 fd, RefPtr<FileDescription>& held) {
  held = TRY(current_process().fds().get(fd));
  Epoll* ep = file_as<Epoll>(held->file());
  if (!ep) return Errno::einval;
  return ep;
}

// The wait of epoll_pwait and epoll_pwait2 until `deadline` (monotonic ns, -1: none, 0:
// do not wait). Never restarted after a signal (signal(7)).
Result<i64> epoll_wait_until(i32 epfd, UserAddr events, i32 maxevents, i64 deadline) {
  // EP_MAX_EVENTS: the array must fit in INT_MAX bytes.
  if (maxevents <= 0 || static_cast<u64>(maxevents) > 0x7fffffffu / sizeof(abi::EpollEvent)) return Errno::einval;
  RefPtr<FileDescription> held;
  Epoll* ep = TRY(epoll_of(epfd, held));
  UserPtr<abi::EpollEvent> out(events);
  for (;;) {
    i32 n = TRY(ep->send_events(out, maxevents));
    if (n > 0 || deadline == 0) return n;
    if (deadline > 0 && host().monotonic_ns() >= deadline) return 0;
    // Nothing is ready and nothing can change before we sleep: we hold the lock.
    ThreadWaiter w(current());
    w.set_exclusive(true);
    ep->waiters().add(w);
    auto r = current().block(deadline);
    if (r.is_error() && r.error() != Errno::etimedout) {
      // A signal: events that came with it are still reported (ep_poll looks first).
      i32 n = TRY(ep->send_events(out, maxevents));
      return n > 0 ? Result<i64>(n) : Result<i64>(Errno::eintr);
    }
  }
}

} // namespace

SyscallResult sys_epoll_create1(const SyscallArgs& a) {
  u32 flags = a.u32_(0);
  if (flags & ~static_cast<u32>(abi::epoll_cloexec)) return Errno::einval;
  return TRY(install_anon_file(make_ref<Epoll>(), flags));
}

// fs/eventpoll.c do_epoll_ctl, in its order of checks.
SyscallResult sys_epoll_ctl(const SyscallArgs& a) {
  i32 op = a.i32_(1);
  i32 fd = a.i32_(2);
  abi::EpollEvent ev{};
  if (op != abi::epoll_ctl_del) ev = TRY(a.user<abi::EpollEvent>(3).read());
  Process& p = current_process();
  auto epd = TRY(p.fds().get(a.i32_(0)));
  auto target = TRY(p.fds().get(fd));
  if (!target->file().can_poll()) return Errno::eperm;
  // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND and is dropped silently without it; there is no
  // suspend to block here, so it is dropped for everyone.
  ev.events &= ~static_cast<u32>(abi::epollwakeup);
  Epoll* ep = file_as<Epoll>(epd->file());
  if (!ep || epd.ptr() == target.ptr() || &epd->file() == &target->file()) return Errno::einval;
  Epoll* inner = file_as<Epoll>(target->file());
  if (op != abi::epoll_ctl_del && (ev.events & abi::epollexclusive)) {
    if (op == abi::epoll_ctl_mod) return Errno::einval;
    if (op == abi::epoll_ctl_add && (inner || (ev.events & ~exclusive_ok_bits))) return Errno::einval;
  }
  // An epoll inside this one: no cycle, and no path of more than four (ep_loop_check).
  if (op == abi::epoll_ctl_add && inner) {
    if (inner->contains(*ep) || ep->depth_above() + 1 + inner->depth_below() > max_nesting) return Errno::eloop;
  }
  EpollItem* item = ep->find(target.ptr(), fd);
  switch (op) {
  case abi::epoll_ctl_add:
    if (item) return Errno::eexist;
    ep->add(*target, fd, ev.events, ev.data);
    return 0;
  case abi::epoll_ctl_del:
    if (!item) return Errno::enoent;
    ep->remove(*item);
    return 0;
  case abi::epoll_ctl_mod:
    if (!item) return Errno::enoent;
    if (item->events & abi::epollexclusive) return Errno::einval;
    ep->modify(*item, ev.events, ev.data);
    return 0;
  default: return Errno::einval;
  }
}

SyscallResult sys_epoll_pwait(const SyscallArgs& a) {
  i32 timeout = a.i32_(3);
  i64 deadline = timeout < 0 ? -1 : timeout == 0 ? 0 : host().monotonic_ns() + static_cast<i64>(timeout) * 1000000;
  TRY(poll_set_temporary_mask(a.ptr(4), a.size(5)));
  return TRY(epoll_wait_until(a.i32_(0), a.ptr(1), a.i32_(2), deadline));
}

SyscallResult sys_epoll_pwait2(const SyscallArgs& a) {
  i64 deadline = TRY(poll_deadline(a.ptr(3)));
  // A zero timespec is a poll without waiting, as timeout 0 is for epoll_pwait.
  if (a.ptr(3) && deadline >= 0) {
    auto ts = TRY(copy_in<abi::Timespec>(a.ptr(3)));
    if (ts.tv_sec == 0 && ts.tv_nsec == 0) deadline = 0;
  }
  TRY(poll_set_temporary_mask(a.ptr(4), a.size(5)));
  return TRY(epoll_wait_until(a.i32_(0), a.ptr(1), a.i32_(2), deadline));
}

} // namespace wasmux
