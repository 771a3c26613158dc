/* Symbolic links: symlink/readlink, lstat vs stat, chains and loops, dangling links,
 * O_NOFOLLOW, relative targets, links to directories inside paths, unlink, the *at()
 * NOFOLLOW flags, hard links to links. References: symlink(7), path_resolution(7) and
 * the section 2 man pages. */
#define _GNU_SOURCE
#include "check.h"
#include <limits.h>
#include <time.h>

static int is_type(const char *path, mode_t type, int follow)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    return r == 0 && (st.st_mode & S_IFMT) == type;
}

static void basics(void)
{
    char buf[64];
    struct stat st;
    check_write_file("target", "target data");
    CHECK_OK(symlink("target", "l"), "symlink");
    CHECK_ERRNO(symlink("target", "l"), EEXIST, "symlink over an existing name -> EEXIST");
    CHECK_ERRNO(symlink("", "empty"), ENOENT, "symlink with an empty target -> ENOENT");

    /* readlink(2): "does not append a terminating null byte"; returns the byte count;
     * "if the buffer is too small to hold all of the contents, it will be truncated". */
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(readlink("l", buf, sizeof buf), 6, "readlink returns the target length");
    CHECK_MEM(buf, "targetX", 7, "readlink writes the target without a NUL");
    memset(buf, 'X', sizeof buf);
    CHECK_EQ(readlink("l", buf, 3), 3, "readlink with a small buffer returns bufsiz");
    CHECK_MEM(buf, "tarX", 4, "readlink truncates to bufsiz");
    CHECK_ERRNO(readlink("target", buf, sizeof buf), EINVAL, "readlink on a regular file -> EINVAL");
    CHECK_ERRNO(readlink("missing", buf, sizeof buf), ENOENT, "readlink missing -> ENOENT");
    /* (readlink with bufsiz 0 is left out: glibc passes it to the kernel, EINVAL, while
     * musl returns 0 without asking.) */

    /* A target is stored verbatim, not normalised, and need not exist. */
    CHECK_OK(symlink("./a//b/../c/", "odd"), "symlink with an unnormalised target");
    memset(buf, 0, sizeof buf);
    CHECK_EQ(readlink("odd", buf, sizeof buf), 12, "readlink length of the odd target");
    CHECK_STR(buf, "./a//b/../c/", "target stored verbatim");
    char longtarget[1000];
    memset(longtarget, 'x', sizeof longtarget - 1);
    longtarget[sizeof longtarget - 1] = '\0';
    CHECK_OK(symlink(longtarget, "longlink"), "symlink with a 999-byte target");
    char longbuf[1200];
    CHECK_EQ(readlink("longlink", longbuf, sizeof longbuf), 999, "readlink of the 999-byte target");

    /* lstat describes the link (size = target length, mode 0777 on Linux), stat the target. */
    CHECK_OK(lstat("l", &st), "lstat");
    CHECK(S_ISLNK(st.st_mode), "lstat sees S_IFLNK");
    CHECK_EQ(st.st_size, 6, "link st_size is the target length");
    CHECK_EQ(st.st_mode & 07777, 0777, "link permissions are 0777");
    CHECK_OK(stat("l", &st), "stat through the link");
    CHECK(S_ISREG(st.st_mode), "stat sees the regular file");
    CHECK_EQ(st.st_size, 11, "stat size is the target's");
    CHECK_OK(fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW), "fstatat AT_SYMLINK_NOFOLLOW");
    CHECK(S_ISLNK(st.st_mode), "fstatat AT_SYMLINK_NOFOLLOW sees the link");
    CHECK_OK(fstatat(AT_FDCWD, "l", &st, 0), "fstatat without flags");
    CHECK(S_ISREG(st.st_mode), "fstatat without flags follows");
    CHECK_ERRNO(fstatat(AT_FDCWD, "l", &st, 0x40000000), EINVAL, "fstatat unknown flag -> EINVAL");
    CHECK(check_read_file("l", buf, sizeof buf) == 11 && strcmp(buf, "target data") == 0,
          "open through the link reads the target");

    /* Writing through a link writes the target. */
    int fd = open("l", O_WRONLY | O_APPEND);
    CHECK_EQ(write(fd, "!", 1), 1, "write through the link");
    close(fd);
    CHECK(check_read_file("target", buf, sizeof buf) == 12 && strcmp(buf, "target data!") == 0,
          "target changed");

    /* unlink(2): "If the name referred to a symbolic link, the link is removed." */
    CHECK_OK(unlink("l"), "unlink the link");
    CHECK_ERRNO(lstat("l", &st), ENOENT, "link gone");
    CHECK_OK(stat("target", &st), "target still exists");
}

static void chains_and_loops(void)
{
    char buf[64], name[32], next[32];
    struct stat st;
    check_write_file("end", "end");
    symlink("end", "c1");
    symlink("c1", "c2");
    symlink("c2", "c3");
    CHECK(check_read_file("c3", buf, sizeof buf) == 3 && strcmp(buf, "end") == 0, "a chain of 3 links");
    CHECK(is_type("c3", S_IFREG, 1), "stat follows the whole chain");
    memset(buf, 0, sizeof buf);
    readlink("c3", buf, sizeof buf);
    CHECK_STR(buf, "c2", "readlink reads only one level");

    /* path_resolution(7): Linux follows at most 40 links in one lookup, then ELOOP. */
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof name, "k%d", i);
        if (i == 1)
            snprintf(next, sizeof next, "end");
        else
            snprintf(next, sizeof next, "k%d", i - 1);
        symlink(next, name);
    }
    CHECK_OK(stat("k40", &st), "a chain of 40 links resolves");
    CHECK_ERRNO(stat("k41", &st), ELOOP, "a chain of 41 links -> ELOOP");
    CHECK_OK(lstat("k41", &st), "lstat of the 41st link works");

    symlink("loopb", "loopa");
    symlink("loopa", "loopb");
    symlink("self", "self");
    CHECK_ERRNO(stat("loopa", &st), ELOOP, "stat of a two-link loop -> ELOOP");
    CHECK_ERRNO(open("loopa", O_RDONLY), ELOOP, "open of a two-link loop -> ELOOP");
    CHECK_ERRNO(open("self", O_RDONLY), ELOOP, "open of a self-loop -> ELOOP");
    CHECK_ERRNO(stat("self/x", &st), ELOOP, "a loop in the middle of a path -> ELOOP");
    CHECK_OK(lstat("self", &st), "lstat of a loop works");
    CHECK_ERRNO(open("self", O_WRONLY | O_CREAT, 0644), ELOOP, "O_CREAT through a loop -> ELOOP");
}

static void dangling(void)
{
    struct stat st;
    char buf[16];
    CHECK_OK(symlink("nothing-here", "dangle"), "symlink to a missing target");
    CHECK_ERRNO(open("dangle", O_RDONLY), ENOENT, "open dangling link -> ENOENT");
    CHECK_ERRNO(stat("dangle", &st), ENOENT, "stat dangling link -> ENOENT");
    CHECK_ERRNO(access("dangle", F_OK), ENOENT, "access dangling link -> ENOENT");
    CHECK_OK(lstat("dangle", &st), "lstat dangling link works");
    CHECK(S_ISLNK(st.st_mode), "dangling link is S_IFLNK");
    CHECK_ERRNO(mkdir("dangle", 0755), EEXIST, "mkdir over a dangling link -> EEXIST");
    /* open(2) O_EXCL: "symbolic links are not followed: if pathname is a symbolic link,
     * then open() fails regardless of where the symbolic link points". Without O_EXCL,
     * O_CREAT through a dangling link creates the target. */
    CHECK_ERRNO(open("dangle", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST, "O_CREAT|O_EXCL on a dangling link -> EEXIST");
    CHECK_ERRNO(lstat("nothing-here", &st), ENOENT, "O_EXCL did not create the target");
    int fd = CHECK_OK(open("dangle", O_WRONLY | O_CREAT, 0644), "O_CREAT through a dangling link");
    CHECK_EQ(write(fd, "made", 4), 4, "write the new target");
    close(fd);
    CHECK(check_read_file("nothing-here", buf, sizeof buf) == 4, "the target was created");
    CHECK(is_type("dangle", S_IFREG, 1), "the link is no longer dangling");
}

static void nofollow(void)
{
    struct stat st, lst;
    check_write_file("nf-target", "x");
    symlink("nf-target", "nf");
    /* open(2): O_NOFOLLOW on a symlink fails with ELOOP; links earlier in the path are
     * still followed. */
    CHECK_ERRNO(open("nf", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a link -> ELOOP");
    int fd = CHECK_OK(open("nf-target", O_RDONLY | O_NOFOLLOW), "O_NOFOLLOW on a regular file");
    close(fd);
    mkdir("nfdir", 0755);
    check_write_file("nfdir/f", "y");
    symlink("nfdir", "nfdirlink");
    fd = CHECK_OK(open("nfdirlink/f", O_RDONLY | O_NOFOLLOW), "O_NOFOLLOW follows links before the last component");
    close(fd);
    CHECK_ERRNO(open("nf", O_RDONLY | O_NOFOLLOW | O_CREAT, 0644), ELOOP, "O_NOFOLLOW|O_CREAT on a link -> ELOOP");

    /* Timestamps and owner of the link itself. */
    struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
    stat("nf-target", &st);
    CHECK_OK(utimensat(AT_FDCWD, "nf", ts, AT_SYMLINK_NOFOLLOW), "utimensat AT_SYMLINK_NOFOLLOW");
    CHECK_OK(lstat("nf", &lst), "lstat after utimensat");
    CHECK_EQ(lst.st_mtim.tv_sec, 1000000000, "the link's mtime changed");
    struct stat st2;
    stat("nf-target", &st2);
    CHECK(st2.st_mtim.tv_sec == st.st_mtim.tv_sec && st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec,
          "the target's mtime did not");
    CHECK_OK(lchown("nf", getuid(), getgid()), "lchown to own uid/gid");
    CHECK_OK(fchownat(AT_FDCWD, "nf", getuid(), getgid(), AT_SYMLINK_NOFOLLOW), "fchownat AT_SYMLINK_NOFOLLOW");
    CHECK_OK(faccessat(AT_FDCWD, "nf", F_OK, AT_SYMLINK_NOFOLLOW), "faccessat AT_SYMLINK_NOFOLLOW");
    CHECK_ERRNO(faccessat(AT_FDCWD, "dangle2", F_OK, AT_SYMLINK_NOFOLLOW), ENOENT, "faccessat missing -> ENOENT");

    /* link(2): "Linux does not dereference oldpath if it is a symbolic link"; linkat with
     * AT_SYMLINK_FOLLOW does. */
    CHECK_OK(link("nf", "nf-hard"), "link to a symlink");
    CHECK(is_type("nf-hard", S_IFLNK, 0), "link() makes a hard link to the symlink itself");
    CHECK_EQ(lstat("nf", &lst) == 0 ? (long long)lst.st_nlink : -1, 2, "the symlink has 2 links");
    CHECK_OK(linkat(AT_FDCWD, "nf", AT_FDCWD, "nf-follow", AT_SYMLINK_FOLLOW), "linkat AT_SYMLINK_FOLLOW");
    CHECK(is_type("nf-follow", S_IFREG, 0), "AT_SYMLINK_FOLLOW links the target");
    CHECK_EQ(stat("nf-target", &st) == 0 ? (long long)st.st_nlink : -1, 2, "the target has 2 links");
    CHECK_ERRNO(linkat(AT_FDCWD, "nf", AT_FDCWD, "nf-x", 0x1), EINVAL, "linkat unknown flag -> EINVAL");
}

static void directories(void)
{
    char buf[PATH_MAX];
    struct stat st;
    mkdir("outer", 0755);
    mkdir("outer/inner", 0755);
    check_write_file("outer/inner/f", "inner f");
    check_write_file("outer/marker", "outer marker");
    check_write_file("marker", "top marker");

    /* A relative target is resolved against the directory containing the link. */
    CHECK_OK(symlink("f", "outer/inner/rel"), "symlink with a relative target in a subdirectory");
    CHECK(check_read_file("outer/inner/rel", buf, sizeof buf) == 7 && strcmp(buf, "inner f") == 0,
          "relative target resolved against the link's directory");
    CHECK_OK(symlink("../marker", "outer/inner/up"), "symlink with a ../ target");
    CHECK(check_read_file("outer/inner/up", buf, sizeof buf) == 12 && strcmp(buf, "outer marker") == 0,
          "../ in a target is relative to the link's directory");
    char abs[PATH_MAX];
    snprintf(abs, sizeof abs, "%s/marker", check_tmpdir);
    CHECK_OK(symlink(abs, "outer/abs"), "symlink with an absolute target");
    CHECK(check_read_file("outer/abs", buf, sizeof buf) == 10 && strcmp(buf, "top marker") == 0,
          "absolute target resolved from /");

    /* A link to a directory in the middle of a path; ".." after it is the physical parent
     * of the directory it points to, not the directory holding the link. */
    CHECK_OK(symlink("outer/inner", "in"), "symlink to a directory");
    CHECK(check_read_file("in/f", buf, sizeof buf) == 7 && strcmp(buf, "inner f") == 0,
          "link to a directory inside a path");
    CHECK(check_read_file("in/../marker", buf, sizeof buf) == 12 && strcmp(buf, "outer marker") == 0,
          "'..' after a link is the target's parent");
    CHECK(is_type("in", S_IFLNK, 0), "lstat of the link to a directory is S_IFLNK");
    /* path_resolution(7): a trailing slash makes the last component be followed. */
    CHECK(is_type("in/", S_IFDIR, 0), "lstat of link/ follows it to the directory");
    CHECK(is_type("in/.", S_IFDIR, 0), "lstat of link/. is the directory");
    CHECK_ERRNO(rmdir("in"), ENOTDIR, "rmdir on a link to a directory -> ENOTDIR");
    /* unlink(2) does not follow the last component even with a trailing slash: the name
     * is a link, not a directory, so Linux says ENOTDIR. */
    CHECK_ERRNO(unlink("in/"), ENOTDIR, "unlink link/ -> ENOTDIR");
    int dfd = CHECK_OK(open("in", O_RDONLY | O_DIRECTORY), "O_DIRECTORY through a link");
    /* With both O_DIRECTORY and O_NOFOLLOW, Linux checks "not a directory" first: the
     * unfollowed link is not one, so ENOTDIR, not ELOOP. */
    CHECK_ERRNO(open("in", O_RDONLY | O_DIRECTORY | O_NOFOLLOW), ENOTDIR, "O_DIRECTORY|O_NOFOLLOW on a link -> ENOTDIR");
    CHECK_OK(fstatat(dfd, "rel", &st, AT_SYMLINK_NOFOLLOW), "fstatat relative to a dirfd with NOFOLLOW");
    CHECK(S_ISLNK(st.st_mode), "it is the link");
    memset(buf, 0, sizeof buf);
    CHECK_EQ(readlinkat(dfd, "rel", buf, sizeof buf), 1, "readlinkat relative to a dirfd");
    CHECK_STR(buf, "f", "readlinkat contents");
    CHECK_OK(symlinkat("f", dfd, "rel2"), "symlinkat relative to a dirfd");
    CHECK(is_type("outer/inner/rel2", S_IFLNK, 0), "created in the dirfd's directory");
    close(dfd);

    /* getcwd reports the physical path after chdir through a link. */
    CHECK_OK(chdir("in"), "chdir through a link");
    getcwd(buf, sizeof buf);
    size_t tl = strlen(check_tmpdir);
    CHECK(strncmp(buf, check_tmpdir, tl) == 0 && strcmp(buf + tl, "/outer/inner") == 0,
          "getcwd shows the physical path");
    chdir(check_tmpdir);

    /* Removing the link leaves the directory. */
    CHECK_OK(unlink("in"), "unlink the link to a directory");
    CHECK(is_type("outer/inner", S_IFDIR, 0), "the directory remains");

    /* rename(2) of a link renames the link, not the target. */
    CHECK_OK(rename("outer/abs", "moved-link"), "rename a link");
    CHECK(is_type("moved-link", S_IFLNK, 0) && is_type("marker", S_IFREG, 0), "link moved, target untouched");
    CHECK_ERRNO(open("marker/x", O_RDONLY), ENOTDIR, "file in the middle of a path -> ENOTDIR");
    CHECK_ERRNO(open("moved-link/x", O_RDONLY), ENOTDIR, "link to a file in the middle of a path -> ENOTDIR");
}

int main(void)
{
    check_enter_tmpdir("symlinks");
    umask(022);
    basics();
    chains_and_loops();
    dangling();
    nofollow();
    directories();
    return check_finish();
}
