#pragma once
// The threads of one fuzz program (each process's first thread, and the threads clone
// made), each on an OS thread of its own (a blocking call must block only its caller),
// driven in lock step by the fuzzer's thread: it hands a call to an actor and waits until
// the call has returned or its thread sleeps in the kernel. A sleeping actor takes no more
// calls until something wakes it; at the end every process is killed, which wakes them all.
#include "../unit/kernel_fixture.h"
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace wasmux::fuzz {

using test::GuestProcess;
using test::FakeHost;
using test::GuestThread;

// Addresses in every actor's memory (its arena is its own: an adopted child has fresh
// memory, so each actor lays these out again).
struct Layout {
  static constexpr usize buffer_count = 6;
  static constexpr usize buffer_size = 4096;
  UserAddr buffers[buffer_count]{};
  Vector<UserAddr> paths; // one per entry of the path pool
};

class Actor {
public:
  // A new process (the first actor) or one the kernel made (fork, posix_spawn).
  Actor(std::string_view cwd);
  explicit Actor(i32 existing_pid);
  // Thread tid that clone made in owner's process (owner: that process's first actor,
  // which must outlive this one). Dead from the start when it was not to run.
  Actor(Actor& owner, i32 tid);
  ~Actor();
  Actor(const Actor&) = delete;
  Actor& operator=(const Actor&) = delete;

  i32 pid() const { return m_pid; }
  // The process's first actor (itself for one).
  Actor& owner() { return m_owner ? *m_owner : *this; }
  bool is_thread() const { return m_owner != nullptr; }
  // The process's guest (its memory arena); a thread's is its owner's.
  GuestProcess* process_guest() { return owner().m_process.get(); }
  FakeHost& host() { return m_guest_thread ? m_guest_thread->host() : m_process->host(); }
  Thread& thread() { return m_guest_thread ? m_guest_thread->thread() : m_process->thread(); }
  // Binds the calling OS thread to this actor's kernel thread.
  void enter() { m_guest_thread ? m_guest_thread->enter() : m_process->enter(); }
  i64 sys(int nr, const i64 (&args)[6]);
  Layout& layout() { return m_layout; }
  // No call running (or the last one returned) and the process alive.
  bool idle() const { return !m_busy.load(std::memory_order_acquire) && !m_dead.load(std::memory_order_acquire); }
  bool dead() const { return m_dead.load(std::memory_order_acquire); }
  // Runs job on the actor's thread; returns once it is done or the thread sleeps in the
  // kernel (then the actor stays busy until it wakes). Call only when idle().
  void run(std::function<void(Actor&)> job);
  // A system call as a job; its result, or nothing when it is still asleep.
  bool call(int nr, const i64 (&args)[6], i64& result);
  // Joins the thread (every call must be able to return: kill the process first).
  void stop();

private:
  void loop();
  bool asleep_in_kernel();

  i32 m_pid{0};
  Actor* m_owner{nullptr};
  std::unique_ptr<GuestProcess> m_process;     // a process's first actor
  std::unique_ptr<GuestThread> m_guest_thread; // a cloned thread
  Layout m_layout;
  std::thread m_thread;
  std::mutex m_lock;
  std::condition_variable m_wake;
  std::function<void(Actor&)> m_job;
  bool m_quit{false};
  std::atomic<bool> m_busy{false};
  std::atomic<bool> m_dead{false};
};

} // namespace wasmux::fuzz
