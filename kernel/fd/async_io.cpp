#include "async_io.h"

#include <string.h>

#include "../proc/process.h"
#include "../proc/thread.h"
#include "../signal/signal.h"
#include "../wait/wait_queue.h"
#include "file_description.h"

namespace wasmux {

namespace {

constexpr u32 watched_events = static_cast<u32>(abi::pollin | abi::pollrdnorm | abi::pollout | abi::pollwrnorm |
                                                abi::pollpri | abi::pollerr | abi::pollhup);

// The siginfo's code and band for what happened (Linux fs/fcntl.c band_table; a pipe or
// socket sends one reason per event, readable first).
struct Reason {
  i32 code;
  u32 band;
};
Reason reason_for(u32 events) {
  if (events & (abi::pollin | abi::pollrdnorm)) return {abi::poll_in, static_cast<u32>(abi::pollin | abi::pollrdnorm)};
  if (events & (abi::pollout | abi::pollwrnorm))
    return {abi::poll_out, static_cast<u32>(abi::pollout | abi::pollwrnorm | abi::pollwrband)};
  if (events & abi::pollerr) return {abi::poll_err, static_cast<u32>(abi::pollerr)};
  if (events & abi::pollpri) return {abi::poll_pri, static_cast<u32>(abi::pollpri | abi::pollrdband)};
  if (events & abi::pollhup) return {abi::poll_hup, static_cast<u32>(abi::pollhup | abi::pollerr)};
  return {0, 0};
}

// sigio_perm: the owner's setter is privileged, or one of its uids is one of the target's.
bool may_send(const FileOwner& o, Process& target) {
  const Credentials& c = target.credentials();
  return o.euid == 0 || o.euid == c.suid || o.euid == c.uid || o.uid == c.suid || o.uid == c.uid;
}

// send_sigio_to_task: with F_SETSIG the signal carries the fd and the event, and plain
// SIGIO goes instead when it cannot be queued; without, plain SIGIO.
template <typename Send> void send_to(Send send, i32 sig, const abi::Siginfo& detailed) {
  if (sig != 0 && send(detailed)) return;
  send(make_siginfo(abi::sigio, abi::si_kernel));
}

void deliver(FileDescription& d, u32 events) {
  AsyncIo& a = d.async_io();
  Reason r = reason_for(events);
  FileOwner owner = a.owner;
  if (!r.code || owner.id == 0 || !a.registration) return;
  abi::SiginfoPoll poll{};
  poll.si_signo = a.signal;
  poll.si_code = r.code;
  poll.si_band = static_cast<i32>(r.band);
  poll.si_fd = a.fd;
  abi::Siginfo detailed;
  static_assert(sizeof detailed == sizeof poll);
  memcpy(&detailed, &poll, sizeof poll);
  i32 sig = a.signal;
  // What follows may end processes, this description's owner among them: nothing of `d`
  // is used past here.
  ProcessTable& table = ProcessTable::the();
  if (owner.type == abi::f_owner_tid) {
    Thread* t = table.find_thread(owner.id);
    if (!t || t->process().has_exited() || !may_send(owner, t->process())) return;
    RefPtr<Thread> keep(t);
    send_to([&](const abi::Siginfo& info) { return send_signal_to_thread(*keep, info); }, sig, detailed);
    return;
  }
  Vector<RefPtr<Process>> targets;
  if (owner.type == abi::f_owner_pid) {
    if (Process* p = table.find(owner.id)) targets.append(RefPtr<Process>(p));
  } else {
    table.for_each([&](Process& p) {
      if (p.pgid() == owner.id) targets.append(RefPtr<Process>(&p));
    });
  }
  for (auto& p : targets)
    if (!p->has_exited() && may_send(owner, *p))
      send_to([&](const abi::Siginfo& info) { return send_signal(*p, info); }, sig, detailed);
}

} // namespace

// An entry on one queue of the file: what it hears is sent once the queues are walked.
class AsyncEntry final : public WaitEntry {
public:
  explicit AsyncEntry(FileDescription& d) : WaitEntry(watched_events), m_description(d) {}
  bool notify(u32 events) override {
    m_pending |= events;
    defer();
    return false;
  }
  void deferred() override {
    u32 events = m_pending;
    m_pending = 0;
    // The signal may end the owner and with it the last reference to the description
    // (and this entry): the description stays until the delivery is over.
    RefPtr<FileDescription> keep(&m_description);
    deliver(*keep, events);
  }

private:
  FileDescription& m_description;
  u32 m_pending{0};
};

class AsyncRegistration final : public PollTable {
public:
  explicit AsyncRegistration(FileDescription& d) : m_description(d) { set_key(watched_events); }
  ~AsyncRegistration() override {
    for (AsyncEntry* e : m_entries)
      delete e;
  }
  void watch(WaitQueue& queue) override {
    auto* e = new AsyncEntry(m_description);
    queue.add(*e);
    m_entries.append(e);
  }

private:
  FileDescription& m_description;
  Vector<AsyncEntry*> m_entries;
};

ErrorOr set_file_owner(FileDescription& d, i32 type, i32 id) {
  if (id != 0) {
    ProcessTable& table = ProcessTable::the();
    bool exists = false;
    if (type == abi::f_owner_tid) {
      exists = table.find_thread(id) != nullptr;
    } else if (type == abi::f_owner_pid) {
      exists = id == 1 || table.find(id) != nullptr;
    } else {
      table.for_each([&](Process& p) { exists = exists || p.pgid() == id; });
    }
    if (!exists) return Errno::esrch;
  }
  const Credentials& c = current_thread()->process().credentials();
  d.async_io().owner = FileOwner{type, id, c.uid, c.euid};
  return {};
}

i32 file_owner_for_getown(FileDescription& d) {
  const FileOwner& o = d.async_io().owner;
  return o.type == abi::f_owner_pgrp ? -o.id : o.id;
}

bool set_async(FileDescription& d, bool on, i32 fd) {
  // The flag is the registration's (fasync_helper sets and clears FASYNC): a file
  // without signal-driven I/O never shows it.
  if (!d.file().supports_async()) return false;
  AsyncIo& a = d.async_io();
  u32 flags = d.status_flags() & ~static_cast<u32>(abi::o_async);
  d.set_status_flags(on ? flags | abi::o_async : flags);
  if (!on) {
    release_async(d);
    return true;
  }
  a.fd = fd;
  if (!a.registration) {
    a.registration = new AsyncRegistration(d);
    (void)d.file().poll(watched_events, a.registration);
  }
  return true;
}

void release_async(FileDescription& d) {
  delete d.async_io().registration;
  d.async_io().registration = nullptr;
}

} // namespace wasmux
