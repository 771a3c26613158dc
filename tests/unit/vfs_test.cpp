// kernel/vfs: path resolution with Linux fs/namei.c semantics, on a private Vfs over tmpfs
// (so the booted kernel's tree is untouched), then through the path syscalls.
#include "fs/tmpfs/tmpfs.h"
#include "kernel_fixture.h"
#include "vfs/vfs.h"

namespace wasmux::test {
namespace {

class VfsTest : public LockedTest {
protected:
  void SetUp() override {
    LockedTest::SetUp();
    vfs.set_root(TmpfsDirectory::create_root(0755));
    root = vfs.root();
  }
  void TearDown() override {
    root = nullptr;
    vfs.set_root(nullptr); // drop the tree while the port is installed
    LockedTest::TearDown();
  }
  // mkdir -p / touch / ln -s on the private tree, failing the test on error.
  RefPtr<Inode> dir(std::string_view path) {
    auto parent = vfs.resolve_parent(*root, path);
    EXPECT_FALSE(parent.is_error()) << path;
    auto r = parent.value().parent->inode().mkdir(parent.value().name.view(), 0755, 0, 0);
    EXPECT_FALSE(r.is_error()) << path;
    return r.is_error() ? nullptr : r.release_value();
  }
  void file(std::string_view path) {
    auto parent = vfs.resolve_parent(*root, path);
    ASSERT_FALSE(parent.is_error()) << path;
    ASSERT_FALSE(parent.value().parent->inode().create(parent.value().name.view(), 0644, 0, 0).is_error()) << path;
  }
  void link(std::string_view path, std::string_view target) {
    auto parent = vfs.resolve_parent(*root, path);
    ASSERT_FALSE(parent.is_error()) << path;
    ASSERT_FALSE(parent.value().parent->inode().symlink(parent.value().name.view(), target, 0, 0).is_error()) << path;
  }
  // The resolved path's absolute name, or the errno's name.
  std::string walk(std::string_view path, Follow follow = Follow::yes, Custody* base = nullptr) {
    auto r = vfs.resolve(base ? *base : *root, path, follow);
    if (r.is_error()) return errno_name(r.error());
    return std::string(r.value()->absolute_path().view());
  }
  Errno walk_error(std::string_view path, Follow follow = Follow::yes) {
    auto r = vfs.resolve(*root, path, follow);
    return r.is_error() ? r.error() : Errno{};
  }
  InodeMetadata meta(std::string_view path, Follow follow = Follow::yes) {
    auto r = vfs.resolve(*root, path, follow);
    EXPECT_FALSE(r.is_error()) << path;
    return r.is_error() ? InodeMetadata{} : r.value()->inode().metadata();
  }
  Vfs vfs;
  RefPtr<Custody> root;
};

TEST_F(VfsTest, WalksPlainPaths) {
  dir("a");
  dir("a/b");
  file("a/b/f");
  EXPECT_EQ(walk("/"), "/");
  EXPECT_EQ(walk("a/b/f"), "/a/b/f");
  EXPECT_EQ(walk("//a///b/./f"), "/a/b/f");
  EXPECT_EQ(walk("a/./b/../b/f"), "/a/b/f");
  EXPECT_EQ(walk("/.."), "/"); // ".." of the root is the root
  EXPECT_EQ(walk("../../a"), "/a");
  EXPECT_EQ(walk(""), "ENOENT"); // path_resolution(7): an empty path is ENOENT
  EXPECT_EQ(walk("a/missing"), "ENOENT");
  EXPECT_EQ(walk("a/missing/x"), "ENOENT");
}

TEST_F(VfsTest, RelativePathsStartAtTheBase) {
  dir("a");
  dir("a/b");
  auto base = vfs.resolve(*root, "a/b", Follow::yes).release_value();
  EXPECT_EQ(walk("..", Follow::yes, base.ptr()), "/a");
  EXPECT_EQ(walk("../..", Follow::yes, base.ptr()), "/");
  EXPECT_EQ(walk("/a", Follow::yes, base.ptr()), "/a"); // absolute paths ignore the base
  EXPECT_EQ(walk(".", Follow::yes, base.ptr()), "/a/b");
}

TEST_F(VfsTest, ComponentsOfNonDirectoriesAreEnotdir) {
  file("f");
  EXPECT_EQ(walk("f/x"), "ENOTDIR");
  EXPECT_EQ(walk("f/."), "ENOTDIR");
  EXPECT_EQ(walk("f/.."), "ENOTDIR");
  EXPECT_EQ(walk("f/"), "ENOTDIR"); // a trailing slash demands a directory
  EXPECT_EQ(walk("f//"), "ENOTDIR");
  EXPECT_EQ(walk("f"), "/f");
}

TEST_F(VfsTest, TrailingSlashes) {
  dir("d");
  file("f");
  link("ld", "d");
  link("lf", "f");
  EXPECT_EQ(walk("d/"), "/d");
  EXPECT_EQ(walk("d//"), "/d");
  EXPECT_EQ(walk("missing/"), "ENOENT");
  // A trailing slash follows a final symlink even when the caller would not
  // (path_resolution(7)), and demands that the target be a directory.
  EXPECT_TRUE(meta("ld/", Follow::no).is_dir());
  EXPECT_TRUE(meta("ld", Follow::no).is_symlink());
  EXPECT_EQ(walk_error("lf/", Follow::no), Errno::enotdir);
  EXPECT_EQ(walk_error("lf/", Follow::yes), Errno::enotdir);
}

TEST_F(VfsTest, FollowsSymlinkChains) {
  dir("a");
  dir("a/b");
  file("a/b/f");
  link("a/rel", "b/f");  // relative: from the directory holding the link
  link("abs", "/a/b/f"); // absolute: from the root
  link("c1", "a/rel");   // a chain through both
  link("c2", "c1");
  link("up", "a/b/.."); // through ".."
  link("a/b/back", "../rel");
  EXPECT_EQ(walk("a/rel"), "/a/b/f");
  EXPECT_EQ(walk("abs"), "/a/b/f");
  EXPECT_EQ(walk("c2"), "/a/b/f");
  EXPECT_EQ(walk("up/b/f"), "/a/b/f");
  EXPECT_EQ(walk("a/b/back"), "/a/b/f");
  EXPECT_TRUE(meta("c2", Follow::no).is_symlink()); // lstat-style: the link itself
  EXPECT_TRUE(meta("c2").is_regular());
  link("dangling", "nowhere");
  EXPECT_EQ(walk("dangling"), "ENOENT");
  EXPECT_TRUE(meta("dangling", Follow::no).is_symlink());
  link("empty", "");
  EXPECT_EQ(walk("empty"), "ENOENT"); // an empty target names nothing
}

TEST_F(VfsTest, DotDotAfterASymlinkIsTheTargetsParent) {
  dir("x");
  dir("x/y");
  dir("z");
  link("z/ly", "/x/y");
  // Linux resolves ".." physically: z/ly/.. is /x, not /z.
  EXPECT_EQ(walk("z/ly/.."), "/x");
}

TEST_F(VfsTest, FortySymlinksResolveAndTheFortyFirstIsEloop) {
  file("target");
  // l0 → target, l1 → l0, ... : resolving lN follows N+1 links.
  link("l0", "target");
  for (int i = 1; i <= 40; ++i)
    link("l" + std::to_string(i), "l" + std::to_string(i - 1));
  EXPECT_EQ(walk("l39"), "/target");                 // 40 links: Linux MAXSYMLINKS
  EXPECT_EQ(walk("l40"), "ELOOP");                   // 41
  EXPECT_TRUE(meta("l40", Follow::no).is_symlink()); // not following the last is fine
  EXPECT_EQ(walk("l40/x", Follow::no), "ELOOP");     // ... unless it is not the last
  link("self", "self");
  EXPECT_EQ(walk("self"), "ELOOP");
  link("ping", "pong");
  link("pong", "ping");
  EXPECT_EQ(walk("ping/x"), "ELOOP");
}

TEST_F(VfsTest, LongNamesAreEnametoolong) {
  dir("d");
  std::string longest(255, 'n');
  EXPECT_EQ(walk("d/" + longest), "ENOENT");
  EXPECT_EQ(walk("d/" + longest + "n"), "ENAMETOOLONG");
  EXPECT_EQ(walk("d/" + longest + "n/x"), "ENAMETOOLONG");
  auto parent = vfs.resolve_parent(*root, "d/" + longest + "n");
  ASSERT_TRUE(parent.is_error());
  EXPECT_EQ(parent.error(), Errno::enametoolong);
}

TEST_F(VfsTest, DotDotCrossesAMountRoot) {
  dir("mnt");
  dir("mnt/under"); // hidden by the mount
  auto mountpoint = vfs.resolve(*root, "mnt", Follow::yes).release_value();
  auto fs = TmpfsDirectory::create_root(0755);
  ASSERT_FALSE(fs->mkdir("inside", 0755, 0, 0).is_error());
  ASSERT_FALSE(vfs.mount(*mountpoint, RefPtr<Inode>(fs)).is_error());
  EXPECT_EQ(walk("mnt/inside"), "/mnt/inside");
  EXPECT_EQ(walk("mnt/under"), "ENOENT");
  auto at_root = vfs.resolve(*root, "mnt", Follow::yes).release_value();
  EXPECT_EQ(&at_root->inode(), fs.ptr());
  // At a mount's root, ".." goes to the mountpoint's parent (path_resolution(7)), not to
  // the mounted file system's own root (whose ".." is itself).
  EXPECT_EQ(walk("mnt/.."), "/");
  EXPECT_EQ(walk("mnt/inside/../.."), "/");
  EXPECT_EQ(&vfs.resolve(*root, "mnt/inside/..", Follow::yes).value()->inode(), fs.ptr());
  // Mounting twice on one directory, or on a file, fails.
  file("plain");
  EXPECT_EQ(vfs.mount(*mountpoint, RefPtr<Inode>(TmpfsDirectory::create_root(0755))).error(), Errno::ebusy);
  auto plain = vfs.resolve(*root, "plain", Follow::yes).release_value();
  EXPECT_EQ(vfs.mount(*plain, RefPtr<Inode>(TmpfsDirectory::create_root(0755))).error(), Errno::enotdir);
}

TEST_F(VfsTest, ResolveParentSplitsTheLastComponent) {
  dir("a");
  auto p1 = vfs.resolve_parent(*root, "a/new").release_value();
  EXPECT_EQ(p1.parent->absolute_path(), "/a");
  EXPECT_EQ(p1.name, "new");
  EXPECT_FALSE(p1.trailing_slash);
  auto p2 = vfs.resolve_parent(*root, "a/new//").release_value();
  EXPECT_EQ(p2.name, "new");
  EXPECT_TRUE(p2.trailing_slash);
  auto p3 = vfs.resolve_parent(*root, "/").release_value();
  EXPECT_EQ(p3.name, "");
  auto p4 = vfs.resolve_parent(*root, "plain").release_value();
  EXPECT_EQ(p4.parent.ptr(), root.ptr());
  EXPECT_EQ(vfs.resolve_parent(*root, "missing/x").error(), Errno::enoent);
  EXPECT_EQ(vfs.resolve_parent(*root, "").error(), Errno::enoent);
  file("f");
  EXPECT_EQ(vfs.resolve_parent(*root, "f/x").error(), Errno::enotdir);
}

// ---- through the syscalls ----

TEST_F(KernelTest, PathMaxCountsTheTerminatingNul) {
  // PATH_MAX (4096) includes the NUL: 4095 characters is a valid length, 4096 is not.
  std::string path = dir();
  while (path.size() < 4095)
    path += "/.";
  path.resize(4095);
  if (path.back() == '/') path.back() = '.';
  abi::Stat st{};
  EXPECT_EQ(p().stat(path, st), 0);
  EXPECT_EQ(p().stat(path + "/", st), err(Errno::enametoolong));
  EXPECT_EQ(p().open(path + "x", abi::o_rdonly), err(Errno::enametoolong));
}

TEST_F(KernelTest, GetcwdFollowsChdirThroughLinksAndDotDot) {
  ASSERT_EQ(p().mkdir("real"), 0);
  ASSERT_EQ(p().symlink("real", "alias"), 0);
  ASSERT_EQ(sys(nr::chdir, p().str("alias")), 0);
  UserAddr buf = p().alloc(4096);
  i64 n = sys(nr::getcwd, buf, 4096);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(p().bytes(buf, static_cast<usize>(n - 1))), dir() + "/real");
  EXPECT_EQ(sys(nr::getcwd, buf, static_cast<i64>(dir().size() + 5)), err(Errno::erange));
  ASSERT_EQ(sys(nr::chdir, p().str("../../..")), 0);
  n = sys(nr::getcwd, buf, 4096);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n)), std::string("/\0", 2));
  p().write_file(dir() + "/file", "x");
  EXPECT_EQ(sys(nr::chdir, p().str(dir() + "/file")), err(Errno::enotdir));
}

TEST_F(KernelTest, RelativePathsUseTheDirectoryDescriptor) {
  ASSERT_EQ(p().mkdir("sub"), 0);
  p().write_file("sub/f", "in sub");
  i64 d = p().open("sub", abi::o_rdonly | abi::o_directory);
  ASSERT_GE(d, 0);
  i64 fd = sys(nr::openat, d, p().str("f"), abi::o_rdonly, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(p().read(fd, 100), "in sub");
  i64 f = p().open("sub/f", abi::o_rdonly);
  EXPECT_EQ(sys(nr::openat, f, p().str("x"), abi::o_rdonly, 0), err(Errno::enotdir));
  EXPECT_EQ(sys(nr::openat, 999, p().str("x"), abi::o_rdonly, 0), err(Errno::ebadf));
  // Absolute paths ignore dirfd, even a bad one (openat(2)).
  i64 abs = sys(nr::openat, 999, p().str(dir() + "/sub/f"), abi::o_rdonly, 0);
  EXPECT_GE(abs, 0);
}

TEST_F(KernelTest, OpenNofollowOnASymlinkIsEloop) {
  p().write_file("t", "x");
  ASSERT_EQ(p().symlink("t", "l"), 0);
  EXPECT_EQ(p().open("l", abi::o_rdonly | abi::o_nofollow), err(Errno::eloop));
  EXPECT_GE(p().open("l", abi::o_rdonly), 0);
  i64 path_fd = p().open("l", abi::o_path | abi::o_nofollow);
  ASSERT_GE(path_fd, 0); // O_PATH|O_NOFOLLOW opens the link itself
  abi::Stat st{};
  ASSERT_EQ(p().fstat(path_fd, st), 0);
  EXPECT_EQ(st.st_mode & abi::s_ifmt, abi::s_iflnk);
}

TEST_F(KernelTest, DotDotOfDevIsTheRoot) {
  abi::Stat root{}, up{};
  ASSERT_EQ(p().stat("/", root), 0);
  ASSERT_EQ(p().stat("/dev/..", up), 0);
  EXPECT_EQ(root.st_ino, up.st_ino);
  EXPECT_EQ(root.st_dev, up.st_dev);
  abi::Stat dev{};
  ASSERT_EQ(p().stat("/dev", dev), 0);
  EXPECT_NE(dev.st_dev, root.st_dev); // a different file system
}

// A directory renamed while it is someone's cwd: Linux follows the dentry, so getcwd
// names the new place and ".." is the new parent (path_resolution(7); getcwd(3)). A
// Custody remembers the parent and name it was reached by, so both go stale here. Fixing
// it means invalidating or re-deriving custodies on rename — a change to the VFS model,
// reported rather than made here.
TEST_F(KernelTest, DISABLED_CwdFollowsARenamedDirectory) {
  ASSERT_EQ(p().mkdir("a"), 0);
  ASSERT_EQ(p().mkdir("a/b"), 0);
  ASSERT_EQ(sys(nr::chdir, p().str("a/b")), 0);
  ASSERT_EQ(p().rename(dir() + "/a/b", dir() + "/c"), 0);
  UserAddr buf = p().alloc(4096);
  i64 n = sys(nr::getcwd, buf, 4096);
  ASSERT_GT(n, 0);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n - 1)), dir() + "/c");
  abi::Stat up{}, top{};
  ASSERT_EQ(p().stat("..", up), 0);
  ASSERT_EQ(p().stat(dir(), top), 0);
  EXPECT_EQ(up.st_ino, top.st_ino);
}

} // namespace
} // namespace wasmux::test
