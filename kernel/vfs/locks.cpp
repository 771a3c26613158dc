#include "locks.h"

#include "../fd/file_description.h"
#include "../proc/process.h"
#include "../syscalls/syscall.h"
#include "../wait/wait_queue.h"
#include "inode.h"

namespace wasmux {

namespace {

constexpr i64 offset_max = INT64_MAX;

struct FileLock {
  LockSpace space;
  i16 type;
  i64 start, end;
  const void* owner; // the FdTable (POSIX) or the FileDescription (OFD, flock)
  i32 pid;
};

// The locks of one file (a file without an inode, a pipe, is keyed by its File).
struct LockedFile {
  const void* key;
  RefPtr<Inode> inode; // kept while locks or waiters exist
  Vector<FileLock> locks;
  WaitQueue waiters;
  usize waiting{0};
};

Vector<LockedFile*>& files() {
  static auto* list = new Vector<LockedFile*>;
  return *list;
}

// POSIX owners asleep in F_SETLKW, and the owner each waits for (deadlock detection).
struct Wait {
  const void* owner;
  const void* blocker;
};
Vector<Wait>& waits() {
  static auto* list = new Vector<Wait>;
  return *list;
}

const void* key_of(FileDescription& d) {
  if (Inode* i = d.file().inode()) return i;
  return &d.file();
}

LockedFile* find_file(const void* key) {
  for (LockedFile* f : files())
    if (f->key == key) return f;
  return nullptr;
}

LockedFile& file_for(FileDescription& d) {
  const void* key = key_of(d);
  if (LockedFile* f = find_file(key)) return *f;
  auto* f = new LockedFile{key, RefPtr<Inode>(d.file().inode()), {}, {}, 0};
  files().append(f);
  return *f;
}

void forget_if_unused(LockedFile& f) {
  if (!f.locks.empty() || f.waiting) return;
  auto& list = files();
  for (usize i = 0; i < list.size(); ++i)
    if (list[i] == &f) {
      list.remove(i);
      delete &f;
      return;
    }
}

bool overlaps(const FileLock& l, i64 start, i64 end) { return l.start <= end && start <= l.end; }

const FileLock* conflict(const LockedFile& f, LockSpace space, const void* owner, const LockRequest& r) {
  for (const FileLock& l : f.locks) {
    // OFD and POSIX locks are one space for conflicts (fcntl(2): they conflict with each
    // other); flock locks are their own.
    bool same_space = space == LockSpace::flock ? l.space == LockSpace::flock : l.space != LockSpace::flock;
    if (!same_space || l.owner == owner || !overlaps(l, r.start, r.end)) continue;
    if (l.type == abi::f_wrlck || r.type == abi::f_wrlck) return &l;
  }
  return nullptr;
}

// Removes owner's locks of `space` in [start, end], keeping the parts outside it.
void remove_range(LockedFile& f, LockSpace space, const void* owner, i64 start, i64 end) {
  Vector<FileLock> kept;
  for (const FileLock& l : f.locks) {
    if (l.space != space || l.owner != owner || !overlaps(l, start, end)) {
      kept.append(l);
      continue;
    }
    if (l.start < start) {
      FileLock left = l;
      left.end = start - 1;
      kept.append(left);
    }
    if (l.end > end) {
      FileLock right = l;
      right.start = end + 1;
      kept.append(right);
    }
  }
  f.locks = std::move(kept);
}

// Joins owner's locks of one type that touch or overlap (fs/locks.c posix_lock_inode).
void coalesce(LockedFile& f, LockSpace space, const void* owner) {
  for (bool merged = true; merged;) {
    merged = false;
    for (usize i = 0; i < f.locks.size() && !merged; ++i)
      for (usize j = i + 1; j < f.locks.size() && !merged; ++j) {
        FileLock& a = f.locks[i];
        const FileLock& b = f.locks[j];
        if (a.space != space || b.space != space || a.owner != owner || b.owner != owner || a.type != b.type)
          continue;
        bool touch = (a.end == offset_max || a.end + 1 >= b.start) && (b.end == offset_max || b.end + 1 >= a.start);
        if (!touch) continue;
        a.start = min(a.start, b.start);
        a.end = max(a.end, b.end);
        f.locks.remove(j);
        merged = true;
      }
  }
}

// Whether owner waiting for blocker closes a cycle (fs/locks.c posix_locks_deadlock).
bool would_deadlock(const void* owner, const void* blocker) {
  for (i32 depth = 0; depth < 64 && blocker; ++depth) {
    if (blocker == owner) return true;
    const void* next = nullptr;
    for (const Wait& w : waits())
      if (w.owner == blocker) next = w.blocker;
    blocker = next;
  }
  return false;
}

// OFD and flock locks go with their description: one watch per description holding any.
struct DescriptionLocks final : DescriptionWatch {
  explicit DescriptionLocks(FileDescription& d) : description(&d) {}
  void description_released() override;
  FileDescription* description;
};
Vector<DescriptionLocks*>& watches() {
  static auto* list = new Vector<DescriptionLocks*>;
  return *list;
}

void watch_description(FileDescription& d) {
  for (DescriptionLocks* w : watches())
    if (w->description == &d) return;
  auto* w = new DescriptionLocks(d);
  d.add_watch(*w);
  watches().append(w);
}

void DescriptionLocks::description_released() {
  const void* owner = description;
  Vector<LockedFile*> touched;
  for (LockedFile* f : files()) {
    usize before = f->locks.size();
    Vector<FileLock> kept;
    for (const FileLock& l : f->locks)
      if (l.owner != owner) kept.append(l);
    f->locks = std::move(kept);
    if (f->locks.size() != before) touched.append(f);
  }
  for (LockedFile* f : touched) {
    f->waiters.wake_all();
    forget_if_unused(*f);
  }
  auto& list = watches();
  for (usize i = 0; i < list.size(); ++i)
    if (list[i] == this) {
      list.remove(i);
      break;
    }
  delete this;
}

} // namespace

ErrorOr set_lock(LockSpace space, FileDescription& d, const LockRequest& r, bool wait) {
  Process& p = current_process();
  const void* owner = space == LockSpace::posix ? static_cast<const void*>(&p.fds()) : &d;
  LockedFile& f = file_for(d);
  if (r.type == abi::f_unlck) {
    remove_range(f, space, owner, r.start, r.end);
    f.waiters.wake_all();
    forget_if_unused(f);
    return {};
  }
  // flock(2): a conversion drops the old lock first (it is not atomic).
  if (space == LockSpace::flock) {
    remove_range(f, space, owner, 0, offset_max);
    f.waiters.wake_all();
  }
  for (;;) {
    const FileLock* c = conflict(f, space, owner, r);
    if (!c) break;
    if (!wait) {
      forget_if_unused(f);
      return Errno::eagain;
    }
    if (space == LockSpace::posix && c->space == LockSpace::posix && would_deadlock(owner, c->owner)) {
      forget_if_unused(f);
      return Errno::edeadlk;
    }
    waits().append(Wait{owner, c->owner});
    ++f.waiting;
    ThreadWaiter w(current());
    f.waiters.add(w);
    auto slept = current().block(-1);
    --f.waiting;
    for (usize i = 0; i < waits().size(); ++i)
      if (waits()[i].owner == owner) {
        waits().remove(i);
        break;
      }
    if (slept.is_error()) {
      forget_if_unused(f);
      return slept.error(); // restarted after a handler with SA_RESTART (signal(7))
    }
  }
  remove_range(f, space, owner, r.start, r.end);
  f.locks.append(FileLock{space, r.type, r.start, r.end, owner, p.pid()});
  coalesce(f, space, owner);
  if (space != LockSpace::posix) watch_description(d);
  f.waiters.wake_all(); // a write lock turned read lets readers in
  return {};
}

LockRequest test_lock(LockSpace space, FileDescription& d, const LockRequest& r, i32& pid) {
  const void* owner = space == LockSpace::posix ? static_cast<const void*>(&current_process().fds()) : &d;
  LockedFile* f = find_file(key_of(d));
  const FileLock* c = f ? conflict(*f, space, owner, r) : nullptr;
  if (!c) return LockRequest{static_cast<i16>(abi::f_unlck), r.start, r.end};
  pid = c->space == LockSpace::posix ? c->pid : -1;
  return LockRequest{c->type, c->start, c->end};
}

void release_posix_locks(const FdTable* owner, FileDescription& d) {
  LockedFile* f = find_file(key_of(d));
  if (!f) return;
  usize before = f->locks.size();
  remove_range(*f, LockSpace::posix, owner, 0, offset_max);
  if (f->locks.size() != before) f->waiters.wake_all();
  forget_if_unused(*f);
}

usize lock_count() {
  usize n = 0;
  for (LockedFile* f : files())
    n += f->locks.size();
  return n;
}

} // namespace wasmux
