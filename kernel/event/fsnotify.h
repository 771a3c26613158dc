#pragma once
// What the file system tells inotify (Linux include/linux/fsnotify.h): the system calls
// that change or use a file call these after the change. An event on a file goes to the
// watches on the file and, for the events a directory hears of its children (access,
// modify, attrib, open, close), to the watches on its parent with the file's name.
#include <string_view>

#include "../base/types.h"

namespace wasmux {

class Custody;
class FileDescription;
class Inode;

// An event on the inode at `c` (its watches, and its parent's with its name).
void fsnotify(Custody& c, u32 mask);
// The same for what a description names (nothing for a pipe or socket).
void fsnotify(FileDescription& d, u32 mask);
// An event on the entry `name` of directory `dir` (create, delete, moves), for the
// directory's watches; is_dir adds IN_ISDIR.
void fsnotify_entry(Inode& dir, std::string_view name, u32 mask, bool is_dir, u32 cookie = 0);
// An event on the inode itself only (IN_DELETE_SELF, IN_MOVE_SELF, an unlinked file's
// IN_ATTRIB). IN_DELETE_SELF also ends its watches (IN_IGNORED).
void fsnotify_self(Inode& inode, u32 mask);
// A fresh cookie tying IN_MOVED_FROM to its IN_MOVED_TO.
u32 fsnotify_cookie();

} // namespace wasmux
