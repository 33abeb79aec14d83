/*
 * A container on its image's root (docs/adr/0007-oci-images-on-the-native-runtime.md), as runc's
 * rootfs_linux.go sets one up, in the container's PID 1 before it execs the init:
 *
 *   1. the image's layers and this attempt's writable layer are mounted as one overlay (nodev: a
 *      device node in an image must not open a host device; /dev is the runtime's own tmpfs);
 *   2. pivot_root into it and detach the old root: from here on every path, symlinks and ".."
 *      included, resolves inside the container's root, so a hostile image cannot point a mount
 *      elsewhere; what the container needs from the node was cloned before as detached mounts
 *      (open_tree), which are attached inside the new root (move_mount): a bind from the old root
 *      is refused once that root is detached;
 *   3. /proc, /dev (null, zero, full, random, urandom, tty, pts, shm), a read-only /sys, the pod's
 *      hosts, resolv.conf and hostname, then the volumes, each mounted through a descriptor opened
 *      without magic links (RESOLVE_NO_MAGICLINKS), so /proc/self/... tricks cannot redirect one;
 *   4. the working directory (made when missing, owned by the user, as runc does) and the user.
 */
#define _GNU_SOURCE
#include "image-root.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#define OVERLAY_OPTIONS_MAX 4096 /* one page: the kernel's limit for mount data */

static int fail(char *message, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, size, fmt, ap);
    va_end(ap);
    return -1;
}

int parse_image_user(const char *text, struct image_user *user, char *message, size_t size)
{
    memset(user, 0, sizeof *user);
    char *end;
    errno = 0;
    unsigned long uid = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != ':' || uid >= (unsigned long)(uid_t)-1)
        return fail(message, size, "--user wants UID:GID[:G1,G2,...], not \"%s\"", text);
    const char *rest = end + 1;
    unsigned long gid = strtoul(rest, &end, 10);
    if (errno != 0 || end == rest || (*end != ':' && *end != '\0') || gid >= (unsigned long)(gid_t)-1)
        return fail(message, size, "--user wants UID:GID[:G1,G2,...], not \"%s\"", text);
    user->uid = (uid_t)uid;
    user->gid = (gid_t)gid;
    while (*end == ':' || *end == ',') {
        rest = end + 1;
        if (*rest == '\0')
            break;
        unsigned long group = strtoul(rest, &end, 10);
        if (errno != 0 || end == rest || user->group_count == MAX_GROUPS || group >= (unsigned long)(gid_t)-1)
            return fail(message, size, "--user: bad or too many supplementary groups in \"%s\"", text);
        user->groups[user->group_count++] = (gid_t)group;
    }
    if (*end != '\0')
        return fail(message, size, "--user wants UID:GID[:G1,G2,...], not \"%s\"", text);
    user->set = true;
    return 0;
}

/* A detached copy of the mount at fd (a bind of that file or directory, its submounts included),
 * read-only when asked: attached later with move_mount. */
static int clone_tree(int dirfd, const char *path, unsigned int flags, bool read_only)
{
    int tree = (int)syscall(SYS_open_tree, dirfd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | flags);
    if (tree < 0 || !read_only)
        return tree;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) {
        int saved = errno;
        close(tree);
        errno = saved;
        return -1;
    }
    return tree;
}

int pin_host_files(struct bind_mount *binds, int bind_count, const struct pod_files *files, int pinned[3], char *message, size_t size)
{
    if (bind_count > 0 && pin_bind_sources(binds, bind_count, message, size) != 0)
        return -1;
    for (int i = 0; i < bind_count; i++) {
        int tree = clone_tree(binds[i].source_fd, "", AT_EMPTY_PATH, binds[i].read_only);
        if (tree < 0)
            return fail(message, size, "cannot bind volume source %s: %s", binds[i].source, strerror(errno));
        close(binds[i].source_fd);
        binds[i].source_fd = tree;
    }
    const char *paths[3] = {files->hosts, files->resolv_conf, files->hostname};
    for (int i = 0; i < 3; i++) {
        pinned[i] = -1;
        if (paths[i] == NULL)
            continue;
        pinned[i] = clone_tree(AT_FDCWD, paths[i], 0, false);
        if (pinned[i] < 0)
            return fail(message, size, "cannot bind %s: %s", paths[i], strerror(errno));
    }
    return 0;
}

static int mount_overlay(const struct image_root *root, char *message, size_t size)
{
    char options[OVERLAY_OPTIONS_MAX];
    size_t used = (size_t)snprintf(options, sizeof options, "lowerdir=");
    for (int i = 0; i < root->lower_count; i++) {
        if (strpbrk(root->lowers[i], ",:\\") != NULL)
            return fail(message, size, "layer path %s contains a character overlayfs options cannot hold", root->lowers[i]);
        int n = snprintf(options + used, sizeof options - used, "%s%s", i == 0 ? "" : ":", root->lowers[i]);
        if (n < 0 || (size_t)n >= sizeof options - used)
            return fail(message, size, "the image has too many layers for one overlay mount (%d)", root->lower_count);
        used += (size_t)n;
    }
    if (strpbrk(root->upper, ",:\\") != NULL || strpbrk(root->work, ",:\\") != NULL)
        return fail(message, size, "the container's layer path contains a character overlayfs options cannot hold");
    int n = snprintf(options + used, sizeof options - used, ",upperdir=%s,workdir=%s", root->upper, root->work);
    if (n < 0 || (size_t)n >= sizeof options - used)
        return fail(message, size, "the image has too many layers for one overlay mount (%d)", root->lower_count);
    if (mount("overlay", root->mount_point, "overlay", MS_NODEV, options) != 0)
        return fail(message, size, "cannot mount the image's layers: %s", strerror(errno));
    return 0;
}

static int pivot_into(const char *new_root, char *message, size_t size)
{
    int old_fd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    int new_fd = open(new_root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_fd < 0 || new_fd < 0)
        return fail(message, size, "cannot open the roots: %s", strerror(errno));
    /* pivot_root(".", "."): the old root ends up stacked on the new one, then is detached. */
    if (fchdir(new_fd) != 0 || syscall(SYS_pivot_root, ".", ".") != 0)
        return fail(message, size, "pivot_root: %s", strerror(errno));
    if (fchdir(old_fd) != 0 || mount("", ".", NULL, MS_SLAVE | MS_REC, NULL) != 0 || umount2(".", MNT_DETACH) != 0)
        return fail(message, size, "cannot detach the node's root: %s", strerror(errno));
    close(old_fd);
    close(new_fd);
    if (chdir("/") != 0)
        return fail(message, size, "chdir /: %s", strerror(errno));
    return 0;
}

/* Opens a path of the container's root for mounting onto: never through a /proc magic link. */
static int open_target(const char *path)
{
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

/* An image's symlink can make a mount point resolve to the root itself: a mount there would hide
 * the root from every later lookup through "..", so it is refused. */
static bool is_root(int fd)
{
    struct stat target, root;
    return fstat(fd, &target) == 0 && stat("/", &root) == 0 && target.st_dev == root.st_dev && target.st_ino == root.st_ino;
}

/* Opens (O_PATH) or, with O_CREAT in flags, creates a path relative to dirfd, never through a magic link. */
static int open_no_magic(int dirfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC), .mode = (flags & O_CREAT) != 0 ? mode : 0, .resolve = RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* Makes every missing directory of path, one component at a time and never through a magic link;
 * a dangling symlink on the way is followed (inside the root) and its target made, as runc's
 * securejoin does. Returns a descriptor of the last directory, or -1. */
static int mkdir_p_within(const char *path, mode_t mode, int depth)
{
    if (depth > 16) {
        errno = ELOOP;
        return -1;
    }
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char done[PATH_MAX] = "";
    int dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    char *part = buf;
    while (dirfd >= 0 && *part != '\0') {
        while (*part == '/')
            part++;
        if (*part == '\0')
            break;
        char *next = strchr(part, '/');
        if (next != NULL)
            *next++ = '\0';
        int fd = open_no_magic(dirfd, part, O_PATH | O_DIRECTORY, 0);
        if (fd < 0 && errno == ENOENT) {
            if (mkdirat(dirfd, part, mode) == 0) {
                fd = open_no_magic(dirfd, part, O_PATH | O_DIRECTORY, 0);
            } else if (errno == EEXIST) {
                char link[PATH_MAX];
                ssize_t n = readlinkat(dirfd, part, link, sizeof link - 1);
                if (n > 0) {
                    link[n] = '\0';
                    char target[PATH_MAX];
                    int len = link[0] == '/' ? snprintf(target, sizeof target, "%s/%s", link, next != NULL ? next : "")
                                             : snprintf(target, sizeof target, "%s/%s/%s", done, link, next != NULL ? next : "");
                    close(dirfd);
                    if (len < 0 || len >= (int)sizeof target) {
                        errno = ENAMETOOLONG;
                        return -1;
                    }
                    return mkdir_p_within(target, mode, depth + 1);
                }
                errno = EEXIST;
            }
        }
        int saved = errno;
        close(dirfd);
        errno = saved;
        dirfd = fd;
        size_t used = strlen(done), len = strlen(part);
        if (used + len + 2 <= sizeof done) {
            done[used] = '/';
            memcpy(done + used + 1, part, len + 1);
        }
        part = next != NULL ? next : part + strlen(part);
    }
    return dirfd;
}

static int mkdir_p(const char *path, mode_t mode)
{
    return mkdir_p_within(path, mode, 0);
}

/* Makes the mount point for a directory or a file (a file's parents, then an empty file). A
 * symlink in the image is followed, inside the root, as runc's securejoin does. */
static int make_mount_point(const char *path, bool directory, char *message, size_t size)
{
    int existing = open_target(path);
    if (existing >= 0) {
        close(existing);
        return 0;
    }
    if (directory) {
        int fd = mkdir_p(path, 0755);
        if (fd < 0)
            return fail(message, size, "cannot make mount point %s: %s", path, strerror(errno));
        close(fd);
        return 0;
    }
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    const char *name = slash != NULL ? slash + 1 : parent;
    if (slash != NULL)
        *slash = '\0';
    int dirfd = mkdir_p(slash == parent || slash == NULL ? "/" : parent, 0755);
    if (dirfd < 0)
        return fail(message, size, "cannot make mount point %s: %s", path, strerror(errno));
    int fd = open_no_magic(dirfd, name, O_WRONLY | O_CREAT, 0644);
    int saved = errno;
    close(dirfd);
    if (fd < 0)
        return fail(message, size, "cannot make mount point %s: %s", path, strerror(saved));
    close(fd);
    return 0;
}

/* mount(2) onto a target opened by open_target: the path cannot change between check and mount. */
static int mount_on(const char *source, const char *target, const char *type, unsigned long flags, const char *data, char *message, size_t size)
{
    int fd = open_target(target);
    if (fd < 0)
        return fail(message, size, "cannot open mount point %s: %s", target, strerror(errno));
    if (is_root(fd)) {
        close(fd);
        return fail(message, size, "mount point %s resolves to the container's root", target);
    }
    char at[64];
    snprintf(at, sizeof at, "/proc/self/fd/%d", fd);
    int rc = mount(source, at, type, flags, data);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return fail(message, size, "cannot mount %s on %s: %s", type != NULL ? type : source, target, strerror(saved));
    return 0;
}

/* Attaches a detached mount (clone_tree) on target, made first inside the container's root. */
static int attach_tree(int tree, const char *target, char *message, size_t size)
{
    struct stat st;
    if (fstat(tree, &st) != 0)
        return fail(message, size, "cannot stat the source of %s: %s", target, strerror(errno));
    if (make_mount_point(target, S_ISDIR(st.st_mode), message, size) != 0)
        return -1;
    int fd = open_target(target);
    if (fd < 0)
        return fail(message, size, "cannot open mount point %s: %s", target, strerror(errno));
    if (is_root(fd)) {
        close(fd);
        return fail(message, size, "mount point %s resolves to the container's root", target);
    }
    int rc = (int)syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return fail(message, size, "cannot mount on %s: %s", target, strerror(saved));
    return 0;
}

static int make_dev(char *message, size_t size)
{
    if (make_mount_point("/dev", true, message, size) != 0
        || mount_on("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", message, size) != 0)
        return -1;
    static const struct {
        const char *name;
        unsigned int major, minor;
    } nodes[] = {{"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7}, {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    mode_t old_umask = umask(0);
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (mknod(nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) != 0) {
            umask(old_umask);
            return fail(message, size, "cannot make %s: %s", nodes[i].name, strerror(errno));
        }
    }
    umask(old_umask);
    static const char *const links[][2] = {
        {"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"}, {"/proc/self/fd/1", "/dev/stdout"},
        {"/proc/self/fd/2", "/dev/stderr"}, {"pts/ptmx", "/dev/ptmx"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        if (symlink(links[i][0], links[i][1]) != 0)
            return fail(message, size, "cannot link %s: %s", links[i][1], strerror(errno));
    }
    if (mkdir("/dev/pts", 0755) != 0 || mkdir("/dev/shm", 01777) != 0)
        return fail(message, size, "cannot make /dev/pts or /dev/shm: %s", strerror(errno));
    if (mount_on("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5", message, size) != 0)
        return -1;
    return mount_on("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", message, size);
}

int enter_image_root(const struct image_root *root, struct bind_mount *binds, int bind_count, const int pinned[3],
                     const char *workdir, const struct image_user *user, char *message, size_t size)
{
    if (mount_overlay(root, message, size) != 0 || pivot_into(root->mount_point, message, size) != 0)
        return -1;
    /* /proc first, by path: before it exists no magic link can be followed. */
    if (make_mount_point("/proc", true, message, size) != 0)
        return -1;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0)
        return fail(message, size, "cannot mount /proc: %s", strerror(errno));
    if (make_dev(message, size) != 0)
        return -1;
    if (make_mount_point("/sys", true, message, size) != 0
        || mount_on("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL, message, size) != 0)
        return -1;
    static const char *const pod_targets[3] = {"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"};
    for (int i = 0; i < 3; i++) {
        if (pinned[i] >= 0 && attach_tree(pinned[i], pod_targets[i], message, size) != 0)
            return -1;
    }
    for (int i = 0; i < bind_count; i++) {
        if (attach_tree(binds[i].source_fd, binds[i].target, message, size) != 0)
            return -1;
    }
    if (chdir(workdir) != 0) {
        int fd = errno == ENOENT ? mkdir_p(workdir, 0755) : -1;
        if (fd < 0)
            return fail(message, size, "cannot change to working directory %s: %s", workdir, strerror(errno));
        if (user->set && fchownat(fd, "", user->uid, user->gid, AT_EMPTY_PATH) != 0)
            return fail(message, size, "cannot give working directory %s to %u: %s", workdir, (unsigned)user->uid, strerror(errno));
        if (fchdir(fd) != 0)
            return fail(message, size, "cannot change to working directory %s: %s", workdir, strerror(errno));
        close(fd);
    }
    if (user->set) {
        if (setgroups((size_t)user->group_count, user->groups) != 0 || setgid(user->gid) != 0 || setuid(user->uid) != 0)
            return fail(message, size, "cannot become %u:%u: %s", (unsigned)user->uid, (unsigned)user->gid, strerror(errno));
    }
    return 0;
}
