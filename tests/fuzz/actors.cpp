#include "actors.h"
#include "entry/big_lock.h"
#include "proc/process.h"
#include "proc/thread.h"

namespace wasmux::fuzz {

Actor::Actor(std::string_view cwd) : m_process(std::make_unique<GuestProcess>(cwd)) {
  m_pid = m_process->pid();
  m_thread = std::thread([this] { loop(); });
}

Actor::Actor(i32 existing_pid) : m_process(std::make_unique<GuestProcess>(GuestProcess::Existing{existing_pid})) {
  m_pid = existing_pid;
  m_thread = std::thread([this] { loop(); });
}

Actor::~Actor() {
  stop();
  m_process.reset(); // finishes its thread, takes it out of the process table
}

void Actor::loop() {
  for (;;) {
    std::function<void(GuestProcess&)> job;
    {
      std::unique_lock<std::mutex> g(m_lock);
      m_wake.wait(g, [this] { return m_quit || m_job; });
      if (!m_job) return;
      job = std::move(m_job);
      m_job = nullptr;
    }
    job(*m_process);
    {
      // The process ended with this call (exit_group, a fatal signal, a kill).
      LockGuard lock;
      Thread& t = m_process->thread();
      if (t.killed() || t.exiting() || t.process().has_exited()) m_dead.store(true, std::memory_order_release);
    }
    m_busy.store(false, std::memory_order_release);
  }
}

bool Actor::asleep_in_kernel() {
  LockGuard lock;
  return m_process->thread().sleeping();
}

void Actor::run(std::function<void(GuestProcess&)> job) {
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
  run([=](GuestProcess& p) {
    out->store(p.sys(nr, args[0], args[1], args[2], args[3], args[4], args[5]));
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
