#pragma once
// Finding and loading a program for posix_spawn and execve (execve(2) semantics): argument
// vectors, the executable check, the PATH walk of the *p variants, "#!" interpreters.
#include "../vfs/vfs.h"
#include "syscall.h"

namespace wasmux {

// argv/envp: a NULL-terminated array of user string pointers; E2BIG past ARG_MAX in all.
Result<Vector<String>> copy_string_array(UserAddr array, usize& total);
// A regular, executable file that is a wasm module or a "#!" script.
Result<RefPtr<Custody>> check_program(Process& p, std::string_view path);
// With search (a PATH value) and no '/' in path: each entry in turn, as execvp(3).
Result<RefPtr<Custody>> find_program(Process& p, std::string_view path, const String* search);
Result<Vector<u8>> read_image(Inode& inode);
// What identifies the image of inode for the host's module cache.
ProgramKey program_key(Inode& inode);
// When image is a "#!" script: argv becomes interpreter [argument] script args..., and
// program and image become the interpreter's (fs/binfmt_script.c).
ErrorOr apply_interpreter(Process& p, RefPtr<Custody>& program, Vector<u8>& image, Vector<String>& argv);

} // namespace wasmux
