#include "actors.h"
#include "entry/big_lock.h"
#include "proc/process.h"
#include "proc/thread.h"
#include <future>

namespace wasmux::fuzz {

Actor::Actor(std::string_view cwd) : m_process(std::make_unique<GuestProcess>(cwd)) {
  m_pid = m_process->pid();
  m_thread = std::thread([this] { loop(); });
}

Actor::Actor(i32 existing_pid) : m_process(std::make_unique<GuestProcess>(GuestProcess::Existing{existing_pid})) {
  m_pid = existing_pid;
  m_thread = std::thread([this] { loop(); });
}

Actor::Actor(Actor& owner, i32 tid) : m_pid(owner.pid()), m_owner(&owner), m_layout(owner.layout()) {
  // Built on its own OS thread, which it stays bound to (GuestThread binds its creator).
  std::promise<bool> started;
  auto done = started.get_future();
  m_thread = std::thread([&] {
    m_guest_thread = std::make_unique<GuestThread>(*owner.owner().m_process,
                                                   GuestThread::Cloned{tid});
    started.set_value(m_guest_thread->started());
    loop();
  });
  if (!done.get()) m_dead.store(true, std::memory_order_release);
}

Actor::~Actor() {
  stop();
  // Finishes its thread; a process's actor also takes it out of the process table.
  m_guest_thread.reset();
  m_process.reset();
}

i64 Actor::sys(int nr, const i64 (&a)[6]) {
  return m_guest_thread ? m_guest_thread->sys(nr, a[0], a[1], a[2], a[3], a[4], a[5])
                        : m_process->sys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

void Actor::loop() {
  for (;;) {
    std::function<void(Actor&)> job;
    {
      std::unique_lock<std::mutex> g(m_lock);
      m_wake.wait(g, [this] { return m_quit || m_job; });
      if (!m_job) return;
      job = std::move(m_job);
      m_job = nullptr;
    }
    job(*this);
    {
      // The thread or its process ended with this call (exit, exit_group, a fatal
      // signal, a kill).
      LockGuard lock;
      Thread& t = thread();
      if (t.killed() || t.exiting() || t.process().has_exited()) m_dead.store(true, std::memory_order_release);
    }
    m_busy.store(false, std::memory_order_release);
  }
}

bool Actor::asleep_in_kernel() {
  LockGuard lock;
  return thread().sleeping();
}

void Actor::run(std::function<void(Actor&)> job) {
  m_busy.store(true, std::memory_order_release);
  {
    std::lock_guard<std::mutex> g(m_lock);
    m_job = std::move(job);
  }
  m_wake.notify_one();
  // Done, or asleep: a sleeping thread has dropped the lock in wait_for_wake, so what it
  // waits for can only come from another actor's call (or the final kill).
  for (int spins = 0; m_busy.load(std::memory_order_acquire); ++spins) {
    if (spins > 64 && asleep_in_kernel()) {
      // Asleep now; it may have woken and finished meanwhile, which is fine either way.
      return;
    }
    if (spins > 1024)
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    else
      std::this_thread::yield();
  }
}

bool Actor::call(int nr, const i64 (&args)[6], i64& result) {
  auto out = std::make_shared<std::atomic<i64>>(0);
  auto done = std::make_shared<std::atomic<bool>>(false);
  run([=](Actor& a) {
    out->store(a.sys(nr, args));
    done->store(true, std::memory_order_release);
  });
  if (!done->load(std::memory_order_acquire)) return false;
  result = out->load();
  return true;
}

void Actor::stop() {
  if (!m_thread.joinable()) return;
  {
    std::lock_guard<std::mutex> g(m_lock);
    m_quit = true;
  }
  m_wake.notify_one();
  m_thread.join();
}

} // namespace wasmux::fuzz
