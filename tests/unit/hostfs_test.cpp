// kernel/fs/hostfs: a real host directory mounted into the guest (DESIGN §5: capability
// scoped, no escape by ".." or symlinks), through the fake host's POSIX calls.
#include "fs/hostfs/hostfs.h"
#include "kernel_fixture.h"
#include <algorithm>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmux::test {
namespace {

std::string host_read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void host_write(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

bool host_exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

// Mounts a fresh host directory at <test dir>/mnt; the guest's cwd is the test dir.
class HostfsTest : public KernelTest {
protected:
  void SetUp() override {
    KernelTest::SetUp();
    mount_id = FakeHost::register_mount(host.path());
    p().enter();
    LockGuard lock;
    auto r = mount_host_directory(dir() + "/mnt", mount_id);
    ASSERT_FALSE(r.is_error()) << errno_name(r.error());
  }
  HostTempDir host;
  u32 mount_id{0};
};

TEST_F(HostfsTest, HostFilesAreVisibleInTheGuest) {
  host_write(host / "hello.txt", "from the host");
  ASSERT_EQ(mkdir((host / "sub").c_str(), 0755), 0);
  host_write(host / "sub/deep", "deeper");
  EXPECT_EQ(p().read_file("mnt/hello.txt"), "from the host");
  EXPECT_EQ(p().read_file("mnt/sub/deep"), "deeper");
  EXPECT_EQ(p().read_file(dir() + "/mnt/sub/../hello.txt"), "from the host");
  abi::Stat st{}, root{};
  ASSERT_EQ(p().stat("mnt/hello.txt", st), 0);
  EXPECT_EQ(st.st_size, 13);
  EXPECT_EQ(st.st_mode & abi::s_ifmt, abi::s_ifreg);
  ASSERT_EQ(p().stat(".", root), 0);
  EXPECT_NE(st.st_dev, root.st_dev);
  i64 fd = p().open("mnt", abi::o_rdonly | abi::o_directory);
  auto names = p().list_dir(fd);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "hello.txt", "sub"}));
  EXPECT_EQ(p().open("mnt/missing", abi::o_rdonly), err(Errno::enoent));
  EXPECT_EQ(p().open("mnt/hello.txt/x", abi::o_rdonly), err(Errno::enotdir));
}

TEST_F(HostfsTest, ListingsCarryTheHostsEntryTypes) {
  host_write(host / "file", "x");
  ASSERT_EQ(mkdir((host / "dir").c_str(), 0755), 0);
  ASSERT_EQ(symlink("file", (host / "link").c_str()), 0);
  ASSERT_EQ(mkfifo((host / "fifo").c_str(), 0644), 0);
  i64 fd = p().open("mnt", abi::o_rdonly | abi::o_directory);
  UserAddr buf = p().alloc(4096);
  i64 n = p().sys(nr::getdents64, fd, buf, 4096);
  ASSERT_GT(n, 0);
  std::map<std::string, int> types;
  for (i64 at = 0; at < n;) {
    auto h = p().get<abi::Dirent64Header>(buf + static_cast<UserAddr>(at));
    std::string name = p().bytes(buf + static_cast<UserAddr>(at) + 19, h.d_reclen - 19);
    types[name.substr(0, name.find('\0'))] = h.d_type;
    at += h.d_reclen;
  }
  EXPECT_EQ(types, (std::map<std::string, int>{{".", abi::dt_dir},
                                               {"..", abi::dt_dir},
                                               {"dir", abi::dt_dir},
                                               {"fifo", abi::dt_fifo},
                                               {"file", abi::dt_reg},
                                               {"link", abi::dt_lnk}}));
}

TEST_F(HostfsTest, GuestChangesShowOnTheHost) {
  p().write_file("mnt/new.txt", "written by the guest");
  EXPECT_EQ(host_read(host / "new.txt"), "written by the guest");
  ASSERT_EQ(p().mkdir("mnt/d", 0750), 0);
  struct stat st {};
  ASSERT_EQ(stat((host / "d").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  ASSERT_EQ(p().rename("mnt/new.txt", "mnt/d/moved.txt"), 0);
  EXPECT_FALSE(host_exists(host / "new.txt"));
  EXPECT_EQ(host_read(host / "d/moved.txt"), "written by the guest");
  ASSERT_EQ(sys(nr::linkat, abi::at_fdcwd, p().str("mnt/d/moved.txt"), abi::at_fdcwd, p().str("mnt/hard"), 0), 0);
  ASSERT_EQ(stat((host / "hard").c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 2u);
  ASSERT_EQ(p().unlink("mnt/d/moved.txt"), 0);
  EXPECT_FALSE(host_exists(host / "d/moved.txt"));
  EXPECT_EQ(p().rmdir("mnt/d"), 0);
  EXPECT_FALSE(host_exists(host / "d"));
  ASSERT_EQ(sys(nr::fchmodat, abi::at_fdcwd, p().str("mnt/hard"), 0600), 0);
  ASSERT_EQ(stat((host / "hard").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(HostfsTest, WritesTruncatesAndAppendsReachTheHostFile) {
  host_write(host / "f", "0123456789");
  i64 fd = p().open("mnt/f", abi::o_rdwr);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(sys(nr::pwrite64, fd, p().str("AB"), 2, 4), 2);
  EXPECT_EQ(host_read(host / "f"), "0123AB6789");
  EXPECT_EQ(sys(nr::ftruncate, fd, 3), 0);
  EXPECT_EQ(host_read(host / "f"), "012");
  i64 app = p().open("mnt/f", abi::o_wronly | abi::o_append);
  EXPECT_EQ(p().write(app, "+end"), 4);
  EXPECT_EQ(host_read(host / "f"), "012+end");
  i64 tr = p().open("mnt/f", abi::o_wronly | abi::o_trunc);
  ASSERT_GE(tr, 0);
  EXPECT_EQ(host_read(host / "f"), "");
  // Big transfers cross the kernel's bounce buffer several times.
  std::string big(100000, ' ');
  for (usize i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(p().write(tr, big), static_cast<i64>(big.size()));
  EXPECT_EQ(host_read(host / "f"), big);
  EXPECT_EQ(p().read_file("mnt/f"), big);
  EXPECT_EQ(p().open("mnt/f", abi::o_wronly | abi::o_creat | abi::o_excl), err(Errno::eexist));
}

TEST_F(HostfsTest, DotDotAtTheMountRootLeadsBackIntoTheGuest) {
  p().write_file("beside-the-mount", "guest file");
  EXPECT_EQ(p().read_file("mnt/../beside-the-mount"), "guest file");
  abi::Stat up{}, here{};
  ASSERT_EQ(p().stat("mnt/..", up), 0);
  ASSERT_EQ(p().stat(".", here), 0);
  EXPECT_EQ(up.st_ino, here.st_ino);
  EXPECT_EQ(up.st_dev, here.st_dev);
  ASSERT_EQ(sys(nr::chdir, p().str("mnt")), 0);
  ASSERT_EQ(sys(nr::chdir, p().str("..")), 0);
  UserAddr buf = p().alloc(4096);
  i64 n = sys(nr::getcwd, buf, 4096);
  ASSERT_GT(n, 0);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n - 1)), dir());
}

TEST_F(HostfsTest, HostSymlinksResolveInTheGuestNamespace) {
  // A secret beside the mounted directory on the host, and links that point at it.
  HostTempDir outside;
  host_write(outside / "secret", "host secret");
  ASSERT_EQ(symlink((outside / "secret").c_str(), (host / "abs").c_str()), 0);
  std::string rel = "../" + outside.path().substr(outside.path().rfind('/') + 1) + "/secret";
  ASSERT_EQ(symlink(rel.c_str(), (host / "rel").c_str()), 0);
  ASSERT_EQ(symlink("/tmp", (host / "guest-tmp").c_str()), 0);
  ASSERT_EQ(symlink("..", (host / "parent").c_str()), 0);
  // The link texts are the host's ...
  UserAddr buf = p().alloc(512);
  i64 n = sys(nr::readlinkat, abi::at_fdcwd, p().str("mnt/abs"), buf, 512);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n)), outside / "secret");
  // ... but they are followed in the guest's tree, where that host path does not exist.
  EXPECT_EQ(p().open("mnt/abs", abi::o_rdonly), err(Errno::enoent));
  EXPECT_EQ(p().open("mnt/rel", abi::o_rdonly), err(Errno::enoent));
  // Made to exist in the guest, the same names lead to the guest's file, never the host's.
  ASSERT_EQ(p().mkdir(outside.path().substr(outside.path().rfind('/') + 1)), 0);
  p().write_file(outside.path().substr(outside.path().rfind('/') + 1) + "/secret", "guest decoy");
  EXPECT_EQ(p().read_file("mnt/rel"), "guest decoy");
  // "/tmp" is the guest's /tmp, and ".." from the mount root is the guest's parent.
  abi::Stat via{}, guest_tmp{};
  ASSERT_EQ(p().stat("mnt/guest-tmp", via), 0);
  ASSERT_EQ(p().stat("/tmp", guest_tmp), 0);
  EXPECT_EQ(via.st_ino, guest_tmp.st_ino);
  EXPECT_EQ(via.st_dev, guest_tmp.st_dev);
  EXPECT_EQ(p().read_file("mnt/parent/" + outside.path().substr(outside.path().rfind('/') + 1) + "/secret"),
            "guest decoy");
  // lstat sees the link itself; opening it without following is ELOOP.
  abi::Stat l{};
  ASSERT_EQ(p().stat("mnt/abs", l, false), 0);
  EXPECT_EQ(l.st_mode & abi::s_ifmt, abi::s_iflnk);
  EXPECT_EQ(p().open("mnt/abs", abi::o_rdonly | abi::o_nofollow), err(Errno::eloop));
  EXPECT_EQ(host_read(outside / "secret"), "host secret"); // untouched
}

TEST_F(HostfsTest, WritingThroughAnEscapingLinkStaysInTheGuest) {
  HostTempDir outside;
  ASSERT_EQ(symlink((outside / "planted").c_str(), (host / "trap").c_str()), 0);
  // O_CREAT through a dangling link creates its target — resolved in the guest, where the
  // directory does not exist, so nothing is created anywhere.
  EXPECT_EQ(p().open("mnt/trap", abi::o_wronly | abi::o_creat), err(Errno::enoent));
  EXPECT_FALSE(host_exists(outside / "planted"));
}

TEST_F(HostfsTest, GuestSymlinksAreCreatedOnTheHostVerbatim) {
  ASSERT_EQ(p().symlink("/etc/passwd", "mnt/link"), 0);
  char target[64] = {};
  ASSERT_GT(readlink((host / "link").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "/etc/passwd");
  EXPECT_EQ(p().symlink("x", "mnt/link"), err(Errno::eexist));
}

TEST_F(HostfsTest, RenameAcrossFileSystemsIsExdev) {
  p().write_file("guest-file", "x");
  host_write(host / "host-file", "y");
  EXPECT_EQ(p().rename("guest-file", "mnt/guest-file"), err(Errno::exdev));
  EXPECT_EQ(p().rename("mnt/host-file", "host-file"), err(Errno::exdev));
  EXPECT_EQ(sys(nr::linkat, abi::at_fdcwd, p().str("guest-file"), abi::at_fdcwd, p().str("mnt/l"), 0),
            err(Errno::exdev));
}

TEST_F(HostfsTest, UnlinkAndRmdirErrorsComeFromTheHost) {
  ASSERT_EQ(mkdir((host / "d").c_str(), 0755), 0);
  host_write(host / "d/f", "x");
  EXPECT_EQ(p().rmdir("mnt/d"), err(Errno::enotempty));
  EXPECT_EQ(p().unlink("mnt/missing"), err(Errno::enoent));
  EXPECT_EQ(p().rmdir("mnt/d/f"), err(Errno::enotdir));
  EXPECT_EQ(p().rmdir("mnt/d/."), err(Errno::einval));
}

// unlink(2) of "." or ".." is EISDIR, as it is on tmpfs: the name never reaches the host.
TEST_F(HostfsTest, UnlinkOfDotDotIsEisdir) {
  ASSERT_EQ(mkdir((host / "d").c_str(), 0755), 0);
  EXPECT_EQ(p().unlink("mnt/d/.."), err(Errno::eisdir));
  EXPECT_EQ(p().unlink("mnt/d/."), err(Errno::eisdir));
}

TEST_F(KernelTest, MountingRequiresAHostDirectory) {
  HostTempDir host;
  host_write(host / "file", "x");
  u32 file_mount = FakeHost::register_mount(host / "file");
  p().enter();
  LockGuard lock;
  EXPECT_EQ(mount_host_directory(dir() + "/m1", file_mount).error(), Errno::enotdir);
  EXPECT_EQ(mount_host_directory(dir() + "/m2", 999999).error(), Errno::enoent);
}

// link(2)/symlink(2): a new name that exists is EEXIST, and "." and ".." always exist;
// they must not reach the host as path components.
TEST_F(HostfsTest, LinkAndSymlinkOntoDotNamesAreEexist) {
  ASSERT_EQ(mkdir((host / "d").c_str(), 0755), 0);
  host_write(host / "f", "x");
  EXPECT_EQ(p().symlink("target", "mnt/d/.."), err(Errno::eexist));
  EXPECT_EQ(p().symlink("target", "mnt/d/."), err(Errno::eexist));
  EXPECT_EQ(sys(nr::linkat, abi::at_fdcwd, p().str("mnt/f"), abi::at_fdcwd, p().str("mnt/d/.."), 0),
            err(Errno::eexist));
  // The same on tmpfs, for comparison.
  ASSERT_EQ(p().mkdir("t"), 0);
  EXPECT_EQ(p().symlink("target", "t/.."), err(Errno::eexist));
}

} // namespace
} // namespace wasmux::test
