/* Directories: mkdir/rmdir, readdir (getdents64), rename/renameat2, link/unlink and link
 * counts, getcwd/chdir/fchdir, *at() with directory descriptors, "." and "..", name
 * length limits, trailing slashes. References are to the Linux man-pages (section 2). */
#define _GNU_SOURCE
#include "check.h"
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>

/* renameat2(2) flags, in case the C library headers lack them (musl does). */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory as its sorted names joined by spaces (readdir order is unspecified).
 * Returns the number of entries, or -1. */
static int list_dir(const char *path, char *out, size_t outsize)
{
    char *names[512];
    int n = 0;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 512)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strlen(out) + strlen(names[i]) + 2 < outsize) {
            if (i)
                strcat(out, " ");
            strcat(out, names[i]);
        }
        free(names[i]);
    }
    return n;
}

static int type_of(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    int t = -1;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, name) == 0)
            t = e->d_type;
    if (d)
        closedir(d);
    return t;
}

static nlink_t nlink_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_nlink : (nlink_t)-1;
}

static void make_and_remove(void)
{
    struct stat st;
    umask(022);
    CHECK_OK(mkdir("a", 0777), "mkdir a");
    CHECK_OK(stat("a", &st), "stat a");
    CHECK(S_ISDIR(st.st_mode), "a is a directory");
    CHECK_EQ(st.st_mode & 07777, 0755, "mkdir mode 0777 & ~umask 022 == 0755");
    /* A new directory has two links: its name and its own "." entry. */
    CHECK_EQ(st.st_nlink, 2, "new directory has st_nlink 2");
    CHECK_ERRNO(mkdir("a", 0755), EEXIST, "mkdir existing -> EEXIST");
    CHECK_ERRNO(mkdir("x/y", 0755), ENOENT, "mkdir with a missing parent -> ENOENT");
    CHECK_OK(check_write_file("file", "data"), "create file");
    CHECK_ERRNO(mkdir("file", 0755), EEXIST, "mkdir over a file -> EEXIST");
    CHECK_ERRNO(mkdir("file/sub", 0755), ENOTDIR, "mkdir under a file -> ENOTDIR");
    CHECK_ERRNO(mkdir("", 0755), ENOENT, "mkdir empty path -> ENOENT");

    /* Each subdirectory's ".." is a link to the parent. */
    CHECK_OK(mkdir("a/b", 0755), "mkdir a/b");
    CHECK_EQ(nlink_of("a"), 3, "parent st_nlink 3 with one subdirectory");
    CHECK_OK(check_write_file("a/f", "x"), "create a/f");
    CHECK_EQ(nlink_of("a"), 3, "a file does not add to the parent's st_nlink");

    /* rmdir(2): ENOTEMPTY (Linux's choice over EEXIST) for a non-empty directory; EINVAL
     * when the last component is "."; ENOTEMPTY when it is "..". */
    CHECK_ERRNO(rmdir("a"), ENOTEMPTY, "rmdir non-empty -> ENOTEMPTY");
    CHECK_ERRNO(rmdir("missing"), ENOENT, "rmdir missing -> ENOENT");
    CHECK_ERRNO(rmdir("file"), ENOTDIR, "rmdir a file -> ENOTDIR");
    CHECK_ERRNO(rmdir("a/b/."), EINVAL, "rmdir with last component '.' -> EINVAL");
    CHECK_ERRNO(rmdir("a/b/.."), ENOTEMPTY, "rmdir with last component '..' -> ENOTEMPTY");
    /* unlink(2): EISDIR for a directory ("the non-POSIX value returned since Linux 2.1.132"). */
    CHECK_ERRNO(unlink("a"), EISDIR, "unlink a directory -> EISDIR");
    CHECK_ERRNO(unlink("missing"), ENOENT, "unlink missing -> ENOENT");
    CHECK_ERRNO(unlinkat(AT_FDCWD, "file", AT_REMOVEDIR), ENOTDIR, "unlinkat AT_REMOVEDIR on a file -> ENOTDIR");
    CHECK_ERRNO(unlinkat(AT_FDCWD, "file", 0x1), EINVAL, "unlinkat unknown flag -> EINVAL");
    CHECK_OK(rmdir("a/b"), "rmdir a/b");
    CHECK_EQ(nlink_of("a"), 2, "parent st_nlink back to 2");
    CHECK_OK(unlink("a/f"), "unlink a/f");
    CHECK_OK(unlinkat(AT_FDCWD, "a", AT_REMOVEDIR), "unlinkat AT_REMOVEDIR");
    CHECK_ERRNO(stat("a", &st), ENOENT, "removed directory is gone");
    unlink("file");
}

static void listing(void)
{
    char names[4096];
    mkdir("ls", 0755);
    check_write_file("ls/c", "");
    check_write_file("ls/a", "");
    check_write_file("ls/b", "");
    mkdir("ls/d", 0755);
    symlink("a", "ls/l");
    CHECK_EQ(list_dir("ls", names, sizeof names), 7, "readdir returns 7 entries");
    CHECK_STR(names, ". .. a b c d l", "readdir names include . and ..");
    CHECK_EQ(type_of("ls", "a"), DT_REG, "d_type of a file is DT_REG");
    CHECK_EQ(type_of("ls", "d"), DT_DIR, "d_type of a directory is DT_DIR");
    CHECK_EQ(type_of("ls", "l"), DT_LNK, "d_type of a symlink is DT_LNK");
    CHECK_EQ(type_of("ls", "."), DT_DIR, "d_type of . is DT_DIR");

    unlink("ls/b");
    CHECK_EQ(list_dir("ls", names, sizeof names), 6, "6 entries after unlink");
    CHECK_STR(names, ". .. a c d l", "unlinked name is gone from readdir");

    /* rewinddir(3): later readdir calls reflect the directory's current contents. */
    DIR *d = opendir("ls");
    int n = 0;
    while (readdir(d))
        n++;
    check_write_file("ls/new", "");
    rewinddir(d);
    int m = 0;
    while (readdir(d))
        m++;
    CHECK(n == 6 && m == 7, "rewinddir sees a file created after the first pass");
    closedir(d);

    /* Enough entries that readdir needs several getdents64 calls. */
    mkdir("big", 0755);
    char name[64];
    int made = 0;
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "big/entry-with-a-longish-name-%03d", i);
        made += check_write_file(name, "") == 0;
    }
    CHECK_EQ(made, 300, "create 300 files");
    d = opendir("big");
    n = 0;
    int dups = 0;
    static char seen[300];
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n++;
        int k;
        if (sscanf(e->d_name, "entry-with-a-longish-name-%d", &k) == 1 && k >= 0 && k < 300)
            dups += seen[k]++ != 0;
    }
    closedir(d);
    CHECK_EQ(n, 302, "readdir of 300 files returns 302 entries");
    CHECK_EQ(dups, 0, "no entry returned twice");
    CHECK_NULL_ERRNO(opendir("missing"), ENOENT, "opendir missing -> ENOENT");
    CHECK_NULL_ERRNO(opendir("ls/a"), ENOTDIR, "opendir a file -> ENOTDIR");
}

static void renames(void)
{
    char buf[64];
    struct stat st;
    check_write_file("r1", "one");
    CHECK_OK(rename("r1", "r2"), "rename file to a new name");
    CHECK_ERRNO(stat("r1", &st), ENOENT, "old name gone");
    CHECK(check_read_file("r2", buf, sizeof buf) == 3 && strcmp(buf, "one") == 0, "new name has the data");

    /* rename(2): "If newpath already exists, it will be atomically replaced". */
    check_write_file("r3", "three");
    CHECK_OK(rename("r2", "r3"), "rename over an existing file");
    CHECK(check_read_file("r3", buf, sizeof buf) == 3 && strcmp(buf, "one") == 0, "target replaced");
    CHECK_ERRNO(stat("r2", &st), ENOENT, "source name gone");
    CHECK_OK(rename("r3", "r3"), "rename to itself succeeds");
    CHECK_ERRNO(rename("missing", "r4"), ENOENT, "rename missing -> ENOENT");

    /* rename(2): if oldpath and newpath are hard links to the same file, "rename() does
     * nothing, and returns a success status": both names remain. */
    link("r3", "r3link");
    CHECK_OK(rename("r3", "r3link"), "rename between two links to one file");
    CHECK(stat("r3", &st) == 0 && stat("r3link", &st) == 0, "both links remain");
    CHECK_EQ(st.st_nlink, 2, "still two links");
    unlink("r3link");

    mkdir("d1", 0755);
    check_write_file("d1/inside", "in");
    CHECK_OK(rename("d1", "d2"), "rename a directory");
    CHECK_OK(stat("d2/inside", &st), "contents moved with it");
    mkdir("empty", 0755);
    CHECK_OK(rename("d2", "empty"), "rename a directory over an empty directory");
    CHECK_OK(stat("empty/inside", &st), "empty directory was replaced");
    mkdir("full", 0755);
    check_write_file("full/x", "");
    mkdir("d3", 0755);
    CHECK_ERRNO(rename("d3", "full"), ENOTEMPTY, "rename over a non-empty directory -> ENOTEMPTY");
    CHECK_ERRNO(rename("r3", "d3"), EISDIR, "rename a file over a directory -> EISDIR");
    CHECK_ERRNO(rename("d3", "r3"), ENOTDIR, "rename a directory over a file -> ENOTDIR");
    CHECK_ERRNO(rename("d3", "d3/sub"), EINVAL, "rename a directory into itself -> EINVAL");
    CHECK_ERRNO(rename(".", "dot"), EBUSY, "rename of '.' -> EBUSY");
    CHECK_OK(rename("full/x", "d3/x"), "rename across directories");
    CHECK_OK(stat("d3/x", &st), "moved file present");
    CHECK_ERRNO(stat("full/x", &st), ENOENT, "moved file gone from the old directory");

    /* renameat2(2), through syscall(2) since not every C library wraps it. */
    check_write_file("na", "A");
    check_write_file("nb", "B");
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "na", AT_FDCWD, "nb", RENAME_NOREPLACE), EEXIST,
                "RENAME_NOREPLACE over an existing file -> EEXIST");
    CHECK(check_read_file("nb", buf, sizeof buf) == 1 && buf[0] == 'B', "target untouched");
    CHECK_OK(syscall(SYS_renameat2, AT_FDCWD, "na", AT_FDCWD, "nc", RENAME_NOREPLACE),
             "RENAME_NOREPLACE to a new name");
    CHECK_OK(syscall(SYS_renameat2, AT_FDCWD, "nb", AT_FDCWD, "nc", RENAME_EXCHANGE), "RENAME_EXCHANGE");
    CHECK(check_read_file("nb", buf, sizeof buf) == 1 && buf[0] == 'A', "exchange: nb has A");
    CHECK(check_read_file("nc", buf, sizeof buf) == 1 && buf[0] == 'B', "exchange: nc has B");
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "nb", AT_FDCWD, "nz", RENAME_EXCHANGE), ENOENT,
                "RENAME_EXCHANGE with a missing target -> ENOENT");
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "nb", AT_FDCWD, "nz", RENAME_EXCHANGE | RENAME_NOREPLACE),
                EINVAL, "RENAME_EXCHANGE|RENAME_NOREPLACE -> EINVAL");
}

static void links(void)
{
    struct stat a, b;
    char buf[64];
    check_write_file("h1", "hard");
    CHECK_EQ(nlink_of("h1"), 1, "st_nlink 1 before link");
    CHECK_OK(link("h1", "h2"), "link");
    CHECK_EQ(nlink_of("h1"), 2, "st_nlink 2 after link");
    stat("h1", &a);
    stat("h2", &b);
    CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "both names are the same inode");
    int fd = open("h2", O_WRONLY | O_APPEND);
    CHECK_EQ(write(fd, "er", 2), 2, "write through the second name");
    close(fd);
    CHECK(check_read_file("h1", buf, sizeof buf) == 6 && strcmp(buf, "harder") == 0, "visible through the first");
    CHECK_ERRNO(link("h1", "h2"), EEXIST, "link to an existing name -> EEXIST");
    CHECK_ERRNO(link("missing", "h3"), ENOENT, "link from a missing file -> ENOENT");
    mkdir("ld", 0755);
    /* link(2): EPERM "oldpath is a directory". */
    CHECK_ERRNO(link("ld", "ld2"), EPERM, "link a directory -> EPERM");
    CHECK_OK(unlink("h1"), "unlink one name");
    CHECK_EQ(nlink_of("h2"), 1, "st_nlink back to 1");

    /* unlink(2): "If the name was the last link to a file but any processes still have
     * the file open, the file will remain in existence until the last fd is closed". */
    fd = open("h2", O_RDONLY);
    CHECK_OK(unlink("h2"), "unlink an open file");
    CHECK_OK(fstat(fd, &a), "fstat after unlink");
    CHECK_EQ(a.st_nlink, 0, "unlinked open file has st_nlink 0");
    CHECK_EQ(read(fd, buf, sizeof buf), 6, "unlinked open file is still readable");
    close(fd);
}

static void cwd(void)
{
    char buf[PATH_MAX], small[4];
    CHECK_STR(getcwd(buf, sizeof buf), check_tmpdir, "getcwd is the scratch directory");
    char *dyn = getcwd(NULL, 0);
    CHECK_STR(dyn, check_tmpdir, "getcwd(NULL, 0) allocates the path");
    free(dyn);
    /* getcwd(3): ERANGE when size is too small, EINVAL when size is 0 with a buffer. */
    CHECK_NULL_ERRNO(getcwd(small, sizeof small), ERANGE, "getcwd into a small buffer -> ERANGE");
    CHECK_NULL_ERRNO(getcwd(buf, 0), EINVAL, "getcwd size 0 -> EINVAL");

    mkdir("c1", 0755);
    mkdir("c1/c2", 0755);
    check_write_file("c1/c2/f", "deep");
    check_write_file("top", "top");
    CHECK_OK(chdir("c1/c2"), "chdir to a relative path");
    getcwd(buf, sizeof buf);
    size_t tl = strlen(check_tmpdir);
    CHECK(strncmp(buf, check_tmpdir, tl) == 0 && strcmp(buf + tl, "/c1/c2") == 0, "getcwd after chdir");
    CHECK_OK(access("f", F_OK), "relative lookups use the new cwd");
    CHECK_OK(access("./f", F_OK), "./f");
    CHECK_OK(access("../../top", F_OK), "../../top");
    CHECK_OK(access(".././c2/./f", F_OK), ".././c2/./f");
    CHECK_OK(access("..//c2///f", F_OK), "repeated slashes are one");
    CHECK_OK(chdir("../.."), "chdir ../..");
    CHECK_STR(getcwd(buf, sizeof buf), check_tmpdir, "back in the scratch directory");

    struct stat root, rootdotdot;
    stat("/", &root);
    stat("/..", &rootdotdot);
    CHECK(root.st_ino == rootdotdot.st_ino && root.st_dev == rootdotdot.st_dev, "/.. is /");

    int dfd = CHECK_OK(open("c1", O_RDONLY | O_DIRECTORY), "open c1 O_DIRECTORY");
    CHECK_OK(fchdir(dfd), "fchdir");
    getcwd(buf, sizeof buf);
    CHECK(strncmp(buf, check_tmpdir, tl) == 0 && strcmp(buf + tl, "/c1") == 0, "getcwd after fchdir");
    CHECK_OK(chdir(check_tmpdir), "chdir to an absolute path");
    CHECK_ERRNO(chdir("top"), ENOTDIR, "chdir to a file -> ENOTDIR");
    CHECK_ERRNO(chdir("missing"), ENOENT, "chdir missing -> ENOENT");
    int ffd = open("top", O_RDONLY);
    CHECK_ERRNO(fchdir(ffd), ENOTDIR, "fchdir to a file -> ENOTDIR");
    CHECK_ERRNO(fchdir(999), EBADF, "fchdir closed descriptor -> EBADF");

    /* *at() calls resolve relative paths against the directory descriptor; an absolute
     * path ignores dirfd entirely; a file as dirfd gives ENOTDIR. */
    CHECK_OK(mkdirat(dfd, "via-fd", 0755), "mkdirat relative to a directory fd");
    CHECK_OK(access("c1/via-fd", F_OK), "created inside c1");
    int f2 = CHECK_OK(openat(dfd, "c2/f", O_RDONLY), "openat relative to a directory fd");
    close(f2);
    f2 = CHECK_OK(openat(999, "/", O_RDONLY), "openat with an absolute path ignores a bad dirfd");
    close(f2);
    CHECK_ERRNO(openat(999, "c2/f", O_RDONLY), EBADF, "openat relative path with a bad dirfd -> EBADF");
    CHECK_ERRNO(openat(ffd, "x", O_RDONLY), ENOTDIR, "openat with a file as dirfd -> ENOTDIR");
    CHECK_OK(unlinkat(dfd, "via-fd", AT_REMOVEDIR), "unlinkat relative to a directory fd");
    close(ffd);
    close(dfd);

    /* A removed working directory: getcwd(3) gives ENOENT, nothing can be created in it,
     * ".." still leads back to the parent. */
    mkdir("gone", 0755);
    chdir("gone");
    CHECK_OK(rmdir("../gone"), "rmdir the working directory");
    CHECK_NULL_ERRNO(getcwd(buf, sizeof buf), ENOENT, "getcwd in a removed directory -> ENOENT");
    CHECK_ERRNO(open("new", O_WRONLY | O_CREAT, 0644), ENOENT, "create in a removed directory -> ENOENT");
    CHECK_OK(chdir(".."), "chdir .. from a removed directory");
    CHECK_STR(getcwd(buf, sizeof buf), check_tmpdir, "back in the parent");
}

static void names(void)
{
    char name[300], path[5000];
    struct stat st;
    /* NAME_MAX is 255: a 255-byte component is fine, 256 gives ENAMETOOLONG. */
    memset(name, 'n', 255);
    name[255] = '\0';
    int fd = CHECK_OK(open(name, O_WRONLY | O_CREAT, 0644), "create a 255-byte name");
    close(fd);
    CHECK_OK(unlink(name), "unlink the 255-byte name");
    memset(name, 'n', 256);
    name[256] = '\0';
    CHECK_ERRNO(open(name, O_WRONLY | O_CREAT, 0644), ENAMETOOLONG, "create a 256-byte name -> ENAMETOOLONG");
    CHECK_ERRNO(mkdir(name, 0755), ENAMETOOLONG, "mkdir a 256-byte name -> ENAMETOOLONG");
    CHECK_ERRNO(stat(name, &st), ENAMETOOLONG, "stat a 256-byte name -> ENAMETOOLONG");
    /* A path of PATH_MAX (4096) bytes or more, even made of short components. */
    size_t n = 0;
    while (n + 2 < sizeof path - 1) {
        path[n++] = '.';
        path[n++] = '/';
    }
    path[n] = '\0';
    CHECK_ERRNO(stat(path, &st), ENAMETOOLONG, "path longer than PATH_MAX -> ENAMETOOLONG");

    /* Trailing slashes (path_resolution(7)): a trailing slash requires a directory. */
    check_write_file("plain", "p");
    CHECK_ERRNO(open("plain/", O_RDONLY), ENOTDIR, "open file/ -> ENOTDIR");
    CHECK_ERRNO(stat("plain/", &st), ENOTDIR, "stat file/ -> ENOTDIR");
    CHECK_ERRNO(stat("plain/.", &st), ENOTDIR, "stat file/. -> ENOTDIR");
    CHECK_ERRNO(open("plain/x", O_RDONLY), ENOTDIR, "path through a file -> ENOTDIR");
    CHECK_ERRNO(unlink("plain/"), ENOTDIR, "unlink file/ -> ENOTDIR");
    CHECK_ERRNO(rename("plain", "other/"), ENOTDIR, "rename a file to name/ -> ENOTDIR");
    /* open(2) with O_CREAT and a trailing slash on a new name: Linux says EISDIR. */
    CHECK_ERRNO(open("newfile/", O_WRONLY | O_CREAT, 0644), EISDIR, "O_CREAT on newname/ -> EISDIR");
    CHECK_OK(mkdir("sl/", 0755), "mkdir with a trailing slash");
    CHECK_OK(stat("sl/", &st), "stat dir/");
    CHECK_OK(rename("sl/", "sl2/"), "rename dir/ to dir2/");
    CHECK_OK(rmdir("sl2/"), "rmdir with a trailing slash");
    CHECK_ERRNO(open("", O_RDONLY), ENOENT, "open empty path -> ENOENT");
}

int main(void)
{
    check_enter_tmpdir("dirs");
    make_and_remove();
    listing();
    renames();
    links();
    cwd();
    names();
    return check_finish();
}
