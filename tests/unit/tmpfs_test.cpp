// kernel/fs/tmpfs: file data (holes, truncation), directories (rename rules, link counts,
// readdir cookies), first on the inodes, then through the syscalls.
#include "fs/tmpfs/tmpfs.h"
#include "kernel_fixture.h"
#include <set>

namespace wasmux::test {
namespace {

class TmpfsTest : public LockedTest {
protected:
  void SetUp() override {
    LockedTest::SetUp();
    root = TmpfsDirectory::create_root(0755);
  }
  void TearDown() override {
    root = nullptr;
    LockedTest::TearDown();
  }
  std::string read(Inode& f, i64 offset, usize n) {
    std::string out(n, '?');
    auto r = f.read_at(offset, IoBuffer::kernel(out.data(), n));
    EXPECT_FALSE(r.is_error());
    out.resize(r.is_error() ? 0 : r.value());
    return out;
  }
  usize write(Inode& f, i64 offset, std::string data) {
    auto r = f.write_at(offset, IoBuffer::kernel(data.data(), data.size()));
    EXPECT_FALSE(r.is_error());
    return r.is_error() ? 0 : r.value();
  }
  RefPtr<TmpfsDirectory> root;
};

TEST_F(TmpfsTest, HolesReadAsZeros) {
  auto f = root->create("f", 0644, 0, 0).release_value();
  EXPECT_EQ(write(*f, 10000, "tail"), 4u);
  EXPECT_EQ(f->metadata().size, 10004);
  EXPECT_EQ(read(*f, 0, 10000), std::string(10000, '\0'));
  EXPECT_EQ(read(*f, 9998, 100), std::string("\0\0tail", 6));
  EXPECT_EQ(read(*f, 10004, 10), ""); // at the end: 0 bytes
  EXPECT_EQ(read(*f, 1 << 30, 10), "");
  EXPECT_EQ(f->read_at(-1, IoBuffer::kernel(nullptr, 0)).error(), Errno::einval);
}

TEST_F(TmpfsTest, WritesSpanPages) {
  auto f = root->create("f", 0644, 0, 0).release_value();
  std::string data;
  for (int i = 0; i < 3 * 4096 + 123; ++i)
    data += static_cast<char>('a' + i % 26);
  EXPECT_EQ(write(*f, 4000, data), data.size());
  EXPECT_EQ(read(*f, 4000, data.size()), data);
  EXPECT_EQ(write(*f, 4090, "XYZXYZXYZXYZ"), 12u); // across a page edge
  EXPECT_EQ(read(*f, 4088, 16), data.substr(88, 2) + "XYZXYZXYZXYZ" + data.substr(102, 2));
}

TEST_F(TmpfsTest, TruncateDropsDataAndGrowsWithZeros) {
  auto f = root->create("f", 0644, 0, 0).release_value();
  write(*f, 0, std::string(10000, 'x'));
  ASSERT_FALSE(f->truncate(5000).is_error());
  EXPECT_EQ(f->metadata().size, 5000);
  ASSERT_FALSE(f->truncate(12000).is_error());
  EXPECT_EQ(read(*f, 4990, 20), std::string(10, 'x') + std::string(10, '\0'));
  EXPECT_EQ(read(*f, 8000, 4000), std::string(4000, '\0'));
  ASSERT_FALSE(f->truncate(0).is_error());
  ASSERT_FALSE(f->truncate(4096).is_error());
  EXPECT_EQ(read(*f, 0, 4096), std::string(4096, '\0'));
  EXPECT_EQ(f->truncate(-1).error(), Errno::einval);
  EXPECT_EQ(root->truncate(0).error(), Errno::eisdir);
}

TEST_F(TmpfsTest, LinkCountsFollowLinksAndSubdirectories) {
  EXPECT_EQ(root->metadata().nlink, 2u);
  auto d = root->mkdir("d", 0755, 0, 0).release_value();
  EXPECT_EQ(root->metadata().nlink, 3u); // d's ".."
  EXPECT_EQ(d->metadata().nlink, 2u);
  auto f = root->create("f", 0644, 0, 0).release_value();
  ASSERT_FALSE(d->link("g", *f).is_error());
  EXPECT_EQ(f->metadata().nlink, 2u);
  EXPECT_EQ(root->link("d2", *d).error(), Errno::eperm); // link(2): no links to directories
  EXPECT_EQ(root->link("f", *f).error(), Errno::eexist);
  ASSERT_FALSE(root->unlink("f", false).is_error());
  EXPECT_EQ(f->metadata().nlink, 1u);
  EXPECT_EQ(root->unlink("d", true).error(), Errno::enotempty);
  ASSERT_FALSE(d->unlink("g", false).is_error());
  EXPECT_EQ(f->metadata().nlink, 0u);
  ASSERT_FALSE(root->unlink("d", true).is_error());
  EXPECT_EQ(root->metadata().nlink, 2u);
  // A removed directory accepts no new entries (it may still be someone's cwd).
  EXPECT_EQ(d->create("late", 0644, 0, 0).error(), Errno::enoent);
}

TEST_F(TmpfsTest, UnlinkAndRmdirCheckTheKind) {
  root->mkdir("d", 0755, 0, 0).release_value();
  root->create("f", 0644, 0, 0).release_value();
  EXPECT_EQ(root->unlink("d", false).error(), Errno::eisdir);
  EXPECT_EQ(root->unlink("f", true).error(), Errno::enotdir);
  EXPECT_EQ(root->unlink("missing", false).error(), Errno::enoent);
  EXPECT_EQ(root->unlink(".", true).error(), Errno::einval);     // rmdir(2)
  EXPECT_EQ(root->unlink("..", true).error(), Errno::enotempty); // rmdir(2)
  EXPECT_EQ(root->mkdir("f", 0755, 0, 0).error(), Errno::eexist);
  EXPECT_EQ(root->create(".", 0644, 0, 0).error(), Errno::eexist);
}

TEST_F(TmpfsTest, RenameRules) {
  auto a = root->mkdir("a", 0755, 0, 0).release_value();
  auto b = a->mkdir("b", 0755, 0, 0).release_value();
  root->create("f", 0644, 0, 0).release_value();
  root->mkdir("full", 0755, 0, 0).value()->create("x", 0644, 0, 0).release_value();
  root->mkdir("empty", 0755, 0, 0).release_value();
  // rename(2): a directory cannot become its own descendant.
  EXPECT_EQ(root->rename("a", *a, "inside", RenameFlags::none).error(), Errno::einval);
  EXPECT_EQ(root->rename("a", *b, "deeper", RenameFlags::none).error(), Errno::einval);
  EXPECT_EQ(root->rename("a", *root, "full", RenameFlags::none).error(), Errno::enotempty);
  EXPECT_EQ(root->rename("a", *root, "f", RenameFlags::none).error(), Errno::enotdir);
  EXPECT_EQ(root->rename("f", *root, "empty", RenameFlags::none).error(), Errno::eisdir);
  EXPECT_EQ(root->rename("f", *root, "a", RenameFlags::noreplace).error(), Errno::eexist);
  EXPECT_EQ(root->rename("missing", *root, "x", RenameFlags::none).error(), Errno::enoent);
  EXPECT_EQ(root->rename(".", *root, "x", RenameFlags::none).error(), Errno::ebusy);
  // A directory may replace an empty one; link counts move with it.
  ASSERT_FALSE(root->rename("a", *root, "empty", RenameFlags::none).is_error());
  EXPECT_EQ(root->lookup("a").error(), Errno::enoent);
  EXPECT_EQ(root->lookup("empty").value().ptr(), a.ptr());
  EXPECT_EQ(root->metadata().nlink, 4u); // ".", "..", full, empty
  ASSERT_FALSE(a->rename("b", *root, "b", RenameFlags::none).is_error());
  EXPECT_EQ(a->metadata().nlink, 2u);
  EXPECT_EQ(root->metadata().nlink, 5u);
  EXPECT_EQ(b->lookup("..").value().ptr(), root.ptr()); // ".." follows the move
}

TEST_F(TmpfsTest, RenameOntoAHardLinkOfItselfDoesNothing) {
  auto f = root->create("f", 0644, 0, 0).release_value();
  ASSERT_FALSE(root->link("g", *f).is_error());
  // rename(2): "If oldpath and newpath are existing hard links referring to the same
  // file, then rename() does nothing".
  ASSERT_FALSE(root->rename("f", *root, "g", RenameFlags::none).is_error());
  EXPECT_FALSE(root->lookup("f").is_error());
  EXPECT_EQ(f->metadata().nlink, 2u);
}

TEST_F(TmpfsTest, RenameExchangeSwapsEntries) {
  auto d = root->mkdir("d", 0755, 0, 0).release_value();
  auto f = d->create("f", 0644, 0, 0).release_value();
  auto e = root->mkdir("e", 0755, 0, 0).release_value();
  ASSERT_FALSE(root->rename("e", *d, "f", RenameFlags::exchange).is_error());
  EXPECT_EQ(root->lookup("e").value().ptr(), f.ptr());
  EXPECT_EQ(d->lookup("f").value().ptr(), e.ptr());
  EXPECT_EQ(e->lookup("..").value().ptr(), d.ptr());
  // The directory's ".." moved from the root to d: link counts follow, as in Linux
  // mm/shmem.c shmem_exchange().
  EXPECT_EQ(root->metadata().nlink, 3u);
  EXPECT_EQ(d->metadata().nlink, 3u);
  EXPECT_EQ(root->rename("e", *d, "missing", RenameFlags::exchange).error(), Errno::enoent);
}

// renameat2(2) RENAME_EXCHANGE: "EINVAL ... or an attempt was made to make a directory a
// subdirectory of itself" — which is what exchanging a directory with its own ancestor
// would do: the ancestor would move into its own subtree.
TEST_F(TmpfsTest, RenameExchangeWithAnAncestorIsEinval) {
  auto a = root->mkdir("a", 0755, 0, 0).release_value();
  auto b = a->mkdir("b", 0755, 0, 0).release_value();
  EXPECT_EQ(a->rename("b", *root, "a", RenameFlags::exchange).error(), Errno::einval);
  EXPECT_EQ(root->lookup("a").value().ptr(), a.ptr());
  EXPECT_EQ(a->lookup("b").value().ptr(), b.ptr());
}

TEST_F(TmpfsTest, EnumerateGivesDotEntriesThenCreationOrder) {
  auto d = root->mkdir("d", 0755, 0, 0).release_value();
  for (const char* n : {"one", "two", "three"})
    d->create(n, 0644, 0, 0).release_value();
  std::vector<std::string> names;
  std::vector<i64> cookies;
  ASSERT_FALSE(d->enumerate(0, [&](const DirEntry& e) {
                  names.emplace_back(e.name);
                  cookies.push_back(e.cookie);
                  return true;
                }).is_error());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "one", "two", "three"}));
  for (usize i = 1; i < cookies.size(); ++i)
    EXPECT_GT(cookies[i], cookies[i - 1]);
  // Resuming after a cookie skips everything up to it, even once that entry is gone.
  ASSERT_FALSE(d->unlink("two", false).is_error());
  names.clear();
  ASSERT_FALSE(d->enumerate(cookies[3], [&](const DirEntry& e) {
                  names.emplace_back(e.name);
                  return true;
                }).is_error());
  EXPECT_EQ(names, (std::vector<std::string>{"three"}));
  auto f = d->lookup("one").release_value();
  EXPECT_EQ(f->enumerate(0, [](const DirEntry&) { return true; }).error(), Errno::enotdir);
}

// ---- through the syscalls ----

TEST_F(KernelTest, GetdentsCookiesSurviveUnlinkDuringIteration) {
  ASSERT_EQ(p().mkdir("d"), 0);
  std::set<std::string> expected;
  for (int i = 0; i < 60; ++i) {
    std::string name = "file-" + std::to_string(i);
    p().write_file("d/" + name, "");
    expected.insert(name);
  }
  i64 fd = p().open("d", abi::o_rdonly | abi::o_directory);
  ASSERT_GE(fd, 0);
  // First call: a small buffer gets only the first few entries.
  UserAddr buf = p().alloc(256);
  i64 n = sys(nr::getdents64, fd, buf, 256);
  ASSERT_GT(n, 0);
  std::set<std::string> seen;
  for (i64 at = 0; at < n;) {
    auto h = p().get<abi::Dirent64Header>(buf + static_cast<UserAddr>(at));
    seen.insert(reinterpret_cast<char*>(p().host().memory().at(buf + static_cast<UserAddr>(at) + 19)));
    at += h.d_reclen;
  }
  ASSERT_TRUE(seen.count("."));
  // Remove every entry seen and every third one not yet seen.
  std::set<std::string> removed;
  for (const auto& name : expected) {
    bool unseen = !seen.count(name);
    if (!unseen || std::stoi(name.substr(5)) % 3 == 0) {
      ASSERT_EQ(p().unlink("d/" + name), 0);
      if (unseen) removed.insert(name);
    }
  }
  // The rest of the listing: each survivor exactly once, nothing removed, nothing repeated.
  std::vector<std::string> rest = p().list_dir(fd, 512);
  std::multiset<std::string> got(rest.begin(), rest.end());
  for (const auto& name : expected) {
    if (seen.count(name) || removed.count(name)) {
      EXPECT_EQ(got.count(name), 0u) << name;
    } else {
      EXPECT_EQ(got.count(name), 1u) << name;
    }
  }
  EXPECT_EQ(got.count("."), 0u);
}

TEST_F(KernelTest, GetdentsRewindsAndRefusesTinyBuffers) {
  ASSERT_EQ(p().mkdir("d"), 0);
  p().write_file("d/a-rather-long-name", "");
  i64 fd = p().open("d", abi::o_rdonly | abi::o_directory);
  auto first = p().list_dir(fd);
  EXPECT_EQ(first, (std::vector<std::string>{".", "..", "a-rather-long-name"}));
  EXPECT_EQ(p().list_dir(fd).size(), 0u); // at the end
  EXPECT_EQ(sys(nr::lseek, fd, 0, abi::seek_set), 0);
  EXPECT_EQ(p().list_dir(fd), first);
  EXPECT_EQ(sys(nr::lseek, fd, 0, abi::seek_set), 0);
  // getdents64(2): EINVAL when the buffer cannot hold one entry.
  EXPECT_EQ(sys(nr::getdents64, fd, p().alloc(16), 16), err(Errno::einval));
  i64 file = p().open("d/a-rather-long-name", abi::o_rdonly);
  EXPECT_EQ(sys(nr::getdents64, file, p().alloc(512), 512), err(Errno::enotdir));
  EXPECT_EQ(sys(nr::getdents64, fd, 0x10, 512), err(Errno::efault));
}

TEST_F(KernelTest, FileOffsetsAppendAndPositionalIo) {
  i64 fd = p().open("f", abi::o_rdwr | abi::o_creat, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(p().write(fd, "hello world"), 11);
  EXPECT_EQ(sys(nr::lseek, fd, -5, abi::seek_end), 6);
  EXPECT_EQ(p().read(fd, 100), "world");
  UserAddr buf = p().alloc(8);
  EXPECT_EQ(sys(nr::pread64, fd, buf, 5, 0), 5); // pread(2) leaves the offset alone
  EXPECT_EQ(p().bytes(buf, 5), "hello");
  EXPECT_EQ(sys(nr::lseek, fd, 0, abi::seek_cur), 11);
  EXPECT_EQ(sys(nr::pwrite64, fd, p().str("J"), 1, 0), 1);
  EXPECT_EQ(sys(nr::lseek, fd, 0, abi::seek_cur), 11);
  EXPECT_EQ(sys(nr::lseek, fd, -1, abi::seek_set), err(Errno::einval));
  EXPECT_EQ(sys(nr::lseek, fd, 0, 99), err(Errno::einval));
  EXPECT_EQ(sys(nr::pread64, fd, buf, 1, -1), err(Errno::einval));
  // SEEK_DATA/SEEK_HOLE: all data, then the hole at the end; ENXIO past it (lseek(2)).
  EXPECT_EQ(sys(nr::lseek, fd, 3, abi::seek_data), 3);
  EXPECT_EQ(sys(nr::lseek, fd, 3, abi::seek_hole), 11);
  EXPECT_EQ(sys(nr::lseek, fd, 11, abi::seek_data), err(Errno::enxio));
  EXPECT_EQ(p().close(fd), 0);
  i64 app = p().open("f", abi::o_wronly | abi::o_append);
  EXPECT_EQ(p().write(app, "!"), 1);
  EXPECT_EQ(p().read_file("f"), "Jello world!");
  i64 tr = p().open("f", abi::o_wronly | abi::o_trunc);
  ASSERT_GE(tr, 0);
  EXPECT_EQ(p().read_file("f"), "");
}

TEST_F(KernelTest, OpenCreateFlags) {
  EXPECT_EQ(p().open("f", abi::o_rdonly), err(Errno::enoent));
  i64 fd = p().open("f", abi::o_wronly | abi::o_creat | abi::o_excl, 0777);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(p().open("f", abi::o_wronly | abi::o_creat | abi::o_excl), err(Errno::eexist));
  abi::Stat st{};
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_mode, abi::s_ifreg | 0755); // umask 022
  EXPECT_EQ(p().open(".", abi::o_wronly), err(Errno::eisdir));
  EXPECT_EQ(p().open("f/", abi::o_rdonly), err(Errno::enotdir));
  EXPECT_EQ(p().open("f", abi::o_rdonly | abi::o_directory), err(Errno::enotdir));
  EXPECT_EQ(p().open("new/", abi::o_wronly | abi::o_creat), err(Errno::eisdir));
  // O_CREAT through a dangling symlink creates its target (open(2)).
  ASSERT_EQ(p().symlink("target", "dangling"), 0);
  i64 via = p().open("dangling", abi::o_wronly | abi::o_creat);
  ASSERT_GE(via, 0);
  EXPECT_EQ(p().write(via, "made"), 4);
  EXPECT_EQ(p().read_file("target"), "made");
  EXPECT_EQ(p().open("dangling", abi::o_wronly | abi::o_creat | abi::o_excl), err(Errno::eexist));
}

TEST_F(KernelTest, UnlinkedFilesStayReadableWhileOpen) {
  p().write_file("f", "still here");
  i64 fd = p().open("f", abi::o_rdonly);
  ASSERT_EQ(p().unlink("f"), 0);
  EXPECT_EQ(p().open("f", abi::o_rdonly), err(Errno::enoent));
  EXPECT_EQ(p().read(fd, 100), "still here");
  abi::Stat st{};
  ASSERT_EQ(p().fstat(fd, st), 0);
  EXPECT_EQ(st.st_nlink, 0u);
}

TEST_F(KernelTest, RenameThroughSyscalls) {
  ASSERT_EQ(p().mkdir("a"), 0);
  ASSERT_EQ(p().mkdir("a/b"), 0);
  p().write_file("f", "data");
  EXPECT_EQ(p().rename("a", "a/b/c"), err(Errno::einval));
  EXPECT_EQ(p().rename("f/", "g"), err(Errno::enotdir));
  EXPECT_EQ(p().rename("a", "/dev/a"), err(Errno::exdev));
  EXPECT_EQ(p().rename("f", "a", abi::rename_noreplace | abi::rename_exchange), err(Errno::einval));
  ASSERT_EQ(p().rename("f", "a/b/g"), 0);
  EXPECT_EQ(p().read_file("a/b/g"), "data");
  EXPECT_EQ(p().rmdir("a"), err(Errno::enotempty));
  EXPECT_EQ(p().rmdir("a/b/."), err(Errno::einval));
  EXPECT_EQ(p().unlink("a"), err(Errno::eisdir));
  EXPECT_EQ(p().rmdir("a/b/g"), err(Errno::enotdir));
}

TEST_F(KernelTest, TruncateAndFtruncate) {
  p().write_file("f", "0123456789");
  ASSERT_EQ(sys(nr::truncate, p().str("f"), 4), 0);
  EXPECT_EQ(p().read_file("f"), "0123");
  EXPECT_EQ(sys(nr::truncate, p().str("f"), -1), err(Errno::einval));
  EXPECT_EQ(sys(nr::truncate, p().str("."), 0), err(Errno::eisdir));
  i64 ro = p().open("f", abi::o_rdonly);
  EXPECT_EQ(sys(nr::ftruncate, ro, 0), err(Errno::einval)); // ftruncate(2): not writable
  i64 rw = p().open("f", abi::o_rdwr);
  ASSERT_EQ(sys(nr::ftruncate, rw, 6), 0);
  EXPECT_EQ(p().read_file("f"), std::string("0123\0\0", 6));
}

} // namespace
} // namespace wasmux::test
