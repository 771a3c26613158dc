/* inotify: create, modify, attrib, open/close, delete, moves with cookies, IN_ISDIR,
 * IN_DELETE_SELF and IN_IGNORED, IN_ONESHOT, IN_MASK_ADD, rm_watch, merging of repeated
 * events, FIONREAD, poll, a too-small buffer, and the errors.
 * References: inotify(7), inotify_add_watch(2), fs/notify/inotify/. */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

/* The events waiting, as "MASKNAMES:name" joined by spaces; cookies of moves checked to be
 * equal and non-zero ("=" appended after the second of a pair). */
static char *events(int fd, char *out, size_t size)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    out[0] = 0;
    ssize_t n = read(fd, buf, sizeof buf);
    uint32_t cookie = 0;
    for (char *p = buf; n > 0 && p < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)p;
        static const struct { uint32_t bit; const char *name; } names[] = {
            {IN_ACCESS, "ACCESS"}, {IN_MODIFY, "MODIFY"}, {IN_ATTRIB, "ATTRIB"},
            {IN_CLOSE_WRITE, "CLOSE_WRITE"}, {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"},
            {IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"}, {IN_CREATE, "CREATE"},
            {IN_DELETE, "DELETE"}, {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
            {IN_IGNORED, "IGNORED"}, {IN_ISDIR, "ISDIR"}, {IN_Q_OVERFLOW, "OVERFLOW"},
        };
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s", len ? " " : "");
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (e->mask & names[i].bit) {
                len = strlen(out);
                snprintf(out + len, size - len, "%s%s", out[len - 1] == ' ' || !len ? "" : "|", names[i].name);
            }
        len = strlen(out);
        if (e->len) snprintf(out + len, size - len, ":%s", e->name);
        if (e->mask & IN_MOVED_FROM) cookie = e->cookie;
        if ((e->mask & IN_MOVED_TO) && cookie && e->cookie == cookie) strncat(out, "=", size - strlen(out) - 1);
        p += sizeof *e + e->len;
    }
    return out;
}

int main(void)
{
    check_enter_tmpdir("inotify");
    char got[1024];
    int in = CHECK_OK(inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "inotify_init1");
    CHECK_ERRNO(read(in, got, sizeof got), EAGAIN, "nothing yet: EAGAIN");
    mkdir("d", 0755);
    int wd = CHECK_OK(inotify_add_watch(in, "d", IN_ALL_EVENTS), "watch a directory");
    CHECK_EQ(inotify_add_watch(in, "d", IN_ALL_EVENTS), wd, "the same inode: the same watch");

    int f = open("d/a", O_CREAT | O_WRONLY, 0644);
    write(f, "x", 1);
    write(f, "y", 1);
    close(f);
    struct pollfd p = {in, POLLIN, 0};
    CHECK_EQ(poll(&p, 1, 0), 1, "events make it readable");
    int queued = 0;
    ioctl(in, FIONREAD, &queued);
    CHECK(queued > 0, "FIONREAD counts the bytes queued");
    CHECK_STR(events(in, got, sizeof got), "CREATE:a OPEN:a MODIFY:a CLOSE_WRITE:a",
              "create, open, a modify (the repeat merged), close after writing");
    f = open("d/a", O_RDONLY);
    read(f, got, 1);
    close(f);
    CHECK_STR(events(in, got, sizeof got), "OPEN:a ACCESS:a CLOSE_NOWRITE:a", "open, access, close without writing");
    chmod("d/a", 0600);
    CHECK_STR(events(in, got, sizeof got), "ATTRIB:a", "chmod: ATTRIB");
    rename("d/a", "d/b");
    CHECK_STR(events(in, got, sizeof got), "MOVED_FROM:a MOVED_TO:b=", "a rename: a pair with one cookie");
    mkdir("d/sub", 0755);
    rmdir("d/sub");
    CHECK_STR(events(in, got, sizeof got), "CREATE|ISDIR:sub DELETE|ISDIR:sub", "directories: IN_ISDIR");
    unlink("d/b");
    CHECK_STR(events(in, got, sizeof got), "DELETE:b", "unlink: DELETE");

    /* A watch on a file: its own events, no name; deleting it ends the watch. */
    check_write_file("file", "data");
    int fw = inotify_add_watch(in, "file", IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF);
    truncate("file", 1);
    CHECK_STR(events(in, got, sizeof got), "MODIFY", "a file's watch: no name");
    unlink("file");
    CHECK_STR(events(in, got, sizeof got), "ATTRIB DELETE_SELF IGNORED", "unlinked: ATTRIB, DELETE_SELF, then IGNORED");
    CHECK_ERRNO(inotify_rm_watch(in, fw), EINVAL, "its watch is gone: EINVAL");

    /* IN_ONESHOT, IN_MASK_ADD, rm_watch. */
    check_write_file("once", "x");
    int ow = inotify_add_watch(in, "once", IN_ATTRIB | IN_ONESHOT);
    chmod("once", 0600);
    chmod("once", 0644);
    CHECK_STR(events(in, got, sizeof got), "ATTRIB IGNORED", "IN_ONESHOT: one event, then IGNORED");
    ow = inotify_add_watch(in, "once", IN_ATTRIB);
    CHECK_EQ(inotify_add_watch(in, "once", IN_MODIFY | IN_MASK_ADD), ow, "IN_MASK_ADD: the same watch");
    chmod("once", 0600);
    truncate("once", 0);
    CHECK_STR(events(in, got, sizeof got), "ATTRIB MODIFY", "with both masks");
    CHECK_ERRNO(inotify_add_watch(in, "once", IN_MODIFY | IN_MASK_CREATE), EEXIST, "IN_MASK_CREATE on a watched inode: EEXIST");
    CHECK_OK(inotify_rm_watch(in, ow), "inotify_rm_watch");
    CHECK_STR(events(in, got, sizeof got), "IGNORED", "IGNORED");
    chmod("once", 0644);
    CHECK_ERRNO(read(in, got, sizeof got), EAGAIN, "no more events");

    /* A buffer too small for the next event. */
    f = open("d/longer-name", O_CREAT | O_WRONLY, 0644);
    close(f);
    CHECK_ERRNO(read(in, got, sizeof(struct inotify_event)), EINVAL, "a buffer too small for the event: EINVAL");
    events(in, got, sizeof got);

    CHECK_ERRNO(inotify_add_watch(in, "missing", IN_ALL_EVENTS), ENOENT, "a missing path: ENOENT");
    CHECK_ERRNO(inotify_add_watch(in, "once", 0), EINVAL, "no event asked for: EINVAL");
    CHECK_ERRNO(inotify_add_watch(in, "once", IN_MODIFY | IN_ONLYDIR), ENOTDIR, "IN_ONLYDIR on a file: ENOTDIR");
    int pfd[2];
    pipe(pfd);
    CHECK_ERRNO(inotify_add_watch(pfd[0], "once", IN_MODIFY), EINVAL, "not an inotify descriptor: EINVAL");
    CHECK_ERRNO(inotify_init1(0x10), EINVAL, "inotify_init1 with an unknown flag: EINVAL");
    CHECK_ERRNO(inotify_rm_watch(in, 12345), EINVAL, "rm_watch of an unknown watch: EINVAL");
    close(in);
    return check_finish();
}
