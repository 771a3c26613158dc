#pragma once
// What the fuzzer sets up around a program and checks after it.
#include "../unit/kernel_fixture.h"

namespace wasmux::fuzz {

// Reports a broken invariant and aborts (libFuzzer saves the input as a crash).
[[noreturn]] void fail(const char* what);

// The program's tree at path: directories a and a/b, a file f, symlinks l -> a,
// loop -> loop and dangling -> nowhere, a FIFO p; all owned by uid (and its group).
void make_scratch_tree(test::GuestProcess& root, const char* path, i32 uid);
// Removes the tree whatever the program did to it (modes, symlinks, new entries); fails
// when it cannot.
void remove_scratch_tree(test::GuestProcess& root, const char* path);

// The kernel's state with no program running: taken once after boot, checked after each
// program: the lock free, no process left of the program, no thread asleep, the boot
// processes' descriptors as they were, as many processes, threads, open files, pipes and
// wait-queue registrations alive as before, the kernel heap consistent.
void record_baseline();
void check_kernel_state();

// A libFuzzer dictionary: the operation prefixes that make each system call (the opcode,
// actor and table index bytes as FuzzedDataProvider reads them).
void write_dictionary(const char* path, usize syscall_count);

} // namespace wasmux::fuzz
