// The hand-offs between a process's worker and the kernel around fork (the child made, the
// memory to copy) and execve (the new image, checked by the kernel) and the programs the
// host starts from the guest's file systems.
// Every export takes the big lock itself (entry/exports.h).
#if defined(__wasm__)
#include "exports.h"

using namespace wasmux;
using namespace wasmux::exports;

// fork: the worker has unwound the guest's stack; make the child process. On success the
// calling thread stays in the kernel state until wasmux_fork_posted: the child runs only
// once the worker has snapshotted the parent's memory and handed the child on, and a
// worker terminated in between (a SIGKILL) would leave a child that never runs.
EXPORT(wasmux_fork) int wasmux_fork() {
  Thread* t = current_thread();
  if (t && !t->enter_kernel()) return thread_killed;
  i32 result;
  {
    LockGuard lock;
    auto r = fork_current_process();
    result = r.is_error() ? error_of(r.error()) : r.value();
    if (kernel_config().trace_all) {
      // fork is no system call here (the guest's fork import): traced as one all the same.
      Formatter f;
      trace_prefix(f);
      f.append("fork() = ").append_int(result).append("\n");
      host().log(f.data(), f.size());
    }
  }
  if (t && result < 0) t->leave_kernel();
  return result;
}

// The memory the host gives fork's child pid held an earlier child's data in its first
// `pages` wasm pages (host/src/fork_memory.ts): the child's kernel zero-fills that part as
// it hands it out rather than the host clearing all of it at every fork. Called before
// the child runs.
EXPORT(wasmux_fork_memory_dirty) void wasmux_fork_memory_dirty(int pid, unsigned pages) {
  LockGuard lock;
  if (Process* p = ProcessTable::the().find(pid)) p->memory().mark_dirty_up_to(u64{pages} * MemoryMap::page);
}

// The child of a successful wasmux_fork is handed on (or failed): the thread leaves the
// kernel state. 1 when its process ended meanwhile (a fatal signal): the guest must not
// run on.
EXPORT(wasmux_fork_posted) int wasmux_fork_posted() {
  Thread* t = current_thread();
  if (!t || !t->in_kernel()) return 0;
  bool ended;
  {
    LockGuard lock;
    ended = t->process().has_exited();
  }
  t->leave_kernel();
  return ended ? 1 : 0;
}

// What fork must copy of the calling process's memory besides its stack: the ranges in use
// (data and brk heap, then each mapping), as [count, top, start0, end0, start1, end1, ...]
// in kernel memory, valid until the next call on this instance. Freed ranges are left out:
// mmap zero-fills a range when it hands it out again. From top (MemoryMap::top) to the
// memory's end the child must read zeros: nothing there was handed out yet.
EXPORT(wasmux_memory_ranges) unsigned wasmux_memory_ranges() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Answer& out = instance_answer();
  out.clear();
  out.put32(0);
  out.put32(0);
  Thread* t = current_thread();
  if (!t) return out.address();
  MemoryMap& m = t->process().memory();
  out.set32(1, static_cast<u32>(min<u64>(m.top(), 0xffffffffull)));
  out.put32(m.heap_base());
  out.put32(m.brk());
  m.for_each_mapping([&](u32 start, u32 end) {
    out.put32(start);
    out.put32(end);
  });
  out.set32(0, static_cast<u32>((out.words() - 2) / 2));
  return out.address();
}

// Size of the image an execve left for this thread (0: none); its bytes are at
// wasmux_thread_exec_image_data().
EXPORT(wasmux_thread_exec_image_size) int wasmux_thread_exec_image_size() {
  ThreadEntry entry;
  if (!entry.ok()) return thread_killed;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<int>(t->exec_image().size()) : 0;
}

EXPORT(wasmux_thread_exec_image_data) unsigned wasmux_thread_exec_image_data() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<unsigned>(reinterpret_cast<uintptr_t>(t->exec_image().data())) : 0;
}

// The identity of that image (host_port.h ProgramKey): five u64 words.
EXPORT(wasmux_thread_exec_image_key) unsigned wasmux_thread_exec_image_key() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<unsigned>(reinterpret_cast<uintptr_t>(&t->exec_key())) : 0;
}

// The memory limits of that image, as the kernel checked them: [initial, maximum] pages.
EXPORT(wasmux_thread_exec_image_memory) unsigned wasmux_thread_exec_image_memory() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<unsigned>(reinterpret_cast<uintptr_t>(&t->exec_memory())) : 0;
}

// Whether the kernel would run an image the host has (a program of the host's file system
// given to the embedder's API): 0 with out = [initial pages, maximum pages], or -ENOEXEC
// with out[2] = why (abi::image_*) and out[3] = the ABI version it was built for.
EXPORT(wasmux_inspect_image) int wasmux_inspect_image(const unsigned char* image, unsigned len, unsigned* out) {
  WasmImageProblem why;
  auto r = inspect_wasm_image(image, len, &why);
  out[2] = static_cast<unsigned>(why.what);
  out[3] = why.abi_version;
  if (r.is_error()) return error_of(r.error());
  out[0] = r.value().initial_pages;
  out[1] = r.value().maximum_pages;
  return 0;
}

// The new image is instantiated: drop the kernel's copy and start its address space.
// Returns the thread's id.
EXPORT(wasmux_thread_exec_start) int wasmux_thread_exec_start(unsigned heap_base) {
  ThreadEntry entry;
  if (!entry.ok()) return thread_killed;
  LockGuard lock;
  Thread* t = current_thread();
  if (!t) return 0;
  t->set_exec_image({}, {}, {});
  t->process().memory().reset(heap_base);
  return t->tid(); // the leader's id, after an exec from another thread (de_thread)
}

// The program at path in the guest's own file systems, for process pid not started yet, as
// execve finds it (executable check, "#!" interpreters, which rewrite the process's argv).
// Writes the image's address and size to out[0..1] and its memory limits in pages to
// out[2..3]; the host frees the image with wasmux_free.
EXPORT(wasmux_process_load_program) int wasmux_process_load_program(int pid, const char* path, unsigned* out) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  auto program = check_program(*p, std::string_view(path));
  if (program.is_error()) return error_of(program.error());
  RefPtr<Custody> custody = program.release_value();
  auto image = read_image(custody->inode());
  if (image.is_error()) return error_of(image.error());
  Vector<u8> bytes = image.release_value();
  auto r = apply_interpreter(*p, custody, bytes, p->argv());
  if (r.is_error()) return error_of(r.error());
  auto memory = inspect_wasm_image(bytes.data(), bytes.size());
  if (memory.is_error()) return error_of(memory.error());
  p->set_exe(custody);
  out[2] = memory.value().initial_pages;
  out[3] = memory.value().maximum_pages;
  void* copy = operator new(bytes.size());
  __builtin_memcpy(copy, bytes.data(), bytes.size());
  out[0] = static_cast<unsigned>(reinterpret_cast<uintptr_t>(copy));
  out[1] = static_cast<unsigned>(bytes.size());
  return 0;
}
#endif
