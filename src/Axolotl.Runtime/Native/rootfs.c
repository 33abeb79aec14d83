/*
 * A container's own root filesystem for axolotl-launch (rootfs.h; runc's rootfs_linux.go is the
 * model for what a container expects to find, the code is our own).
 *
 * The root is an overlay of the image's layers (read-only lowers, the container's upper and work
 * directories), mounted nodev: a device node shipped in an image must not work. Inside it come
 * /proc, a tmpfs /dev with the usual nodes, devpts, shm and mqueue, a read-only /sys, the pod's
 * /etc/hosts, /etc/resolv.conf and /etc/hostname, and the volumes. Then pivot_root makes it the
 * root and the node's root is detached: nothing of the host stays visible.
 *
 * The image is hostile. Every mount target is opened with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) under a descriptor of the new root, so a symlink in the image ("/etc/hosts
 * -> /proc/1/root/etc/shadow", "/data -> /") resolves inside the root or not at all, and the mount
 * goes onto "/proc/self/fd/N" of that descriptor, never onto a path the kernel would walk again.
 * Missing mount points are created the same way (mkdirat/openat under a confined directory
 * descriptor); they land in the container's upper layer, as with containerd.
 */
#define _GNU_SOURCE
#include "rootfs.h"
#include "security.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_LINK_DEPTH 40
#define FD_PATH 64

static int fail(char *message, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, size, fmt, ap);
    va_end(ap);
    return -1;
}

static void fd_path(int fd, char *out)
{
    snprintf(out, FD_PATH, "/proc/self/fd/%d", fd);
}

/* Opens path (in the container's terms) with the root's descriptor as "/": symlinks and ".."
 * cannot leave it, and /proc magic links are refused. */
static int open_in_root(int root_fd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = -1;
    /* EAGAIN: a rename raced the walk; nothing renames here, but the kernel may still say so. */
    for (int attempt = 0; attempt < 16; attempt++) {
        fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    return fd;
}

/* Splits an absolute path into its parent and last component; false for "/", "." or "..". */
static bool split_path(const char *path, char *parent, size_t size, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return false;
    *base = slash + 1;
    if (**base == '\0' || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
        return false;
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    if (len + 1 > size)
        return false;
    memcpy(parent, path, len);
    parent[len] = '\0';
    return true;
}

/* A dangling symlink at parent_fd/base: the path its target names (resolved in the root later). */
static bool link_target(int parent_fd, const char *parent, const char *base, char *out, size_t size)
{
    char link[PATH_MAX];
    ssize_t n = readlinkat(parent_fd, base, link, sizeof link - 1);
    if (n <= 0)
        return false;
    link[n] = '\0';
    int written = link[0] == '/' ? snprintf(out, size, "%s", link) : snprintf(out, size, "%s/%s", parent, link);
    return written > 0 && written < (int)size;
}

/* Opens (O_PATH) the mount target path inside the root, creating it when missing: a directory, or
 * an empty file when !dir. A dangling symlink gets its target created, still inside the root. */
static int open_target(int root_fd, const char *path, bool dir, int depth, char *message, size_t size)
{
    if (depth > MAX_LINK_DEPTH)
        return fail(message, size, "cannot create mount point %s: too many levels of symbolic links", path);
    int fd = open_in_root(root_fd, path, O_PATH);
    if (fd < 0 && errno != ENOENT)
        return fail(message, size, "cannot open mount point %s in the root: %s", path, strerror(errno));
    if (fd < 0) {
        char parent[PATH_MAX];
        const char *base;
        if (!split_path(path, parent, sizeof parent, &base))
            return fail(message, size, "cannot create mount point %s: not a plain path", path);
        int parent_fd = open_target(root_fd, parent, true, depth, message, size);
        if (parent_fd < 0)
            return -1;
        int made;
        if (dir) {
            made = mkdirat(parent_fd, base, 0755);
        } else {
            made = openat(parent_fd, base, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
            if (made >= 0)
                close(made);
        }
        if (made < 0 && errno == EEXIST) {
            char target[PATH_MAX];
            bool linked = link_target(parent_fd, parent, base, target, sizeof target);
            close(parent_fd);
            if (!linked)
                return fail(message, size, "cannot create mount point %s: it appeared meanwhile", path);
            return open_target(root_fd, target, dir, depth + 1, message, size);
        }
        int saved = errno;
        close(parent_fd);
        if (made < 0)
            return fail(message, size, "cannot create mount point %s: %s", path, strerror(saved));
        fd = open_in_root(root_fd, path, O_PATH);
        if (fd < 0)
            return fail(message, size, "cannot open mount point %s in the root: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return fail(message, size, "cannot read mount point %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode) != dir) {
        close(fd);
        return fail(message, size, "cannot mount %s on %s: %s", dir ? "a directory" : "a file", path,
                    dir ? "not a directory" : "is a directory");
    }
    return fd;
}

/* Mounts a new filesystem (or a bind of source) on path inside the root. */
static int mount_in_root(int root_fd, const char *path, const char *source, const char *type, unsigned long flags,
                         const char *data, bool dir, char *message, size_t size)
{
    int fd = open_target(root_fd, path, dir, 0, message, size);
    if (fd < 0)
        return -1;
    /* "/proc -> /", "/data -> /" and the like would mount over the whole root. */
    struct stat st, root;
    if (fstat(fd, &st) != 0 || fstat(root_fd, &root) != 0 || (st.st_dev == root.st_dev && st.st_ino == root.st_ino)) {
        close(fd);
        return fail(message, size, "cannot mount on %s: it resolves to the container's root", path);
    }
    char target[FD_PATH];
    fd_path(fd, target);
    int result = mount(source, target, type, flags, data);
    int saved = errno;
    close(fd);
    if (result != 0)
        return fail(message, size, "cannot mount %s: %s", path, strerror(saved));
    return 0;
}

/* Makes the mount now on top at path (inside the root) read-only, with extra flags. */
static int remount_read_only(int root_fd, const char *path, unsigned long extra, char *message, size_t size)
{
    /* Opened again: a descriptor taken before the mount still points below it. */
    int fd = open_in_root(root_fd, path, O_PATH);
    if (fd < 0)
        return fail(message, size, "cannot open %s in the root: %s", path, strerror(errno));
    char target[FD_PATH];
    fd_path(fd, target);
    int result = mount("none", target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | extra, NULL);
    int saved = errno;
    close(fd);
    if (result != 0)
        return fail(message, size, "cannot make %s read-only: %s", path, strerror(saved));
    return 0;
}

/* Binds a node file or directory (by descriptor) on path inside the root. */
static int bind_in_root(int root_fd, int source_fd, const char *source, const char *path, bool read_only, char *message, size_t size)
{
    struct stat st;
    if (fstat(source_fd, &st) != 0)
        return fail(message, size, "cannot read %s: %s", source, strerror(errno));
    char from[FD_PATH];
    fd_path(source_fd, from);
    if (mount_in_root(root_fd, path, from, NULL, MS_BIND | MS_REC, NULL, S_ISDIR(st.st_mode), message, size) != 0)
        return -1;
    return read_only ? remount_read_only(root_fd, path, 0, message, size) : 0;
}

static int bind_file(int root_fd, const char *source, const char *path, char *message, size_t size)
{
    int fd = open(source, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return fail(message, size, "cannot open %s: %s", source, strerror(errno));
    int result = bind_in_root(root_fd, fd, source, path, false, message, size);
    close(fd);
    return result;
}

/* The root itself: an overlay of the layers (nodev), or the directory bound on itself. */
static int mount_root(const struct rootfs *r, char *message, size_t size)
{
    if (r->lower_count == 0) {
        if (r->upper != NULL)
            return fail(message, size, "a root filesystem with an upper layer needs at least one --lower");
        /* A plain directory: bound on itself, so that it is a mount point pivot_root accepts. */
        if (mount(r->mountpoint, r->mountpoint, NULL, MS_BIND | MS_REC, NULL) != 0
            || mount("none", r->mountpoint, NULL, MS_REMOUNT | MS_BIND | MS_NODEV, NULL) != 0)
            return fail(message, size, "cannot bind the root %s: %s", r->mountpoint, strerror(errno));
        return 0;
    }
    if ((r->upper == NULL) != (r->work == NULL))
        return fail(message, size, "--upper and --work go together");
    /* The new mount API: one "lowerdir+" per layer, so no length limit and no escaping of ':' or ','. */
    int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return fail(message, size, "cannot create an overlay filesystem: %s", strerror(errno));
    int result = 0;
    const char *step = "lowerdir+";
    for (int i = 0; result == 0 && i < r->lower_count; i++)
        result = fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", r->lowers[i], 0);
    if (result == 0 && r->upper != NULL) {
        step = "upperdir";
        result = fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", r->upper, 0);
        if (result == 0) {
            step = "workdir";
            result = fsconfig(fs, FSCONFIG_SET_STRING, "workdir", r->work, 0);
        }
    }
    if (result == 0) {
        step = "create";
        result = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    }
    int mnt = -1;
    if (result == 0) {
        step = "mount";
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
        result = mnt < 0 ? -1 : move_mount(mnt, "", AT_FDCWD, r->mountpoint, MOVE_MOUNT_F_EMPTY_PATH);
    }
    int saved = errno;
    if (result != 0) {
        /* The kernel's own words on what it disliked ("e overlay: ..."), when it left some. */
        char log[512] = "";
        ssize_t n = read(fs, log, sizeof log - 1);
        log[n > 0 ? n : 0] = '\0';
        if (n > 0 && log[n - 1] == '\n')
            log[n - 1] = '\0';
        fail(message, size, "cannot mount the root overlay (%s): %s%s%s", step, strerror(saved), n > 2 ? ": " : "", n > 2 ? log + 2 : "");
    }
    if (mnt >= 0)
        close(mnt);
    close(fs);
    return result == 0 ? 0 : -1;
}

struct device {
    const char *name;
    unsigned int major, minor;
};

static const struct device devices[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

/* /dev: our own tmpfs with the standard nodes, devpts, shm, mqueue and the fd symlinks. */
static int mount_dev(int root_fd, bool privileged, char *message, size_t size)
{
    if (mount_in_root(root_fd, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=64k", true, message, size) != 0)
        return -1;
    /* Everything below is on that fresh tmpfs: nothing of the image is left to resolve. */
    int dev = open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
    if (dev < 0)
        return fail(message, size, "cannot open /dev: %s", strerror(errno));
    int result = 0;
    for (size_t i = 0; result == 0 && i < sizeof devices / sizeof devices[0]; i++) {
        const struct device *d = &devices[i];
        if (mknodat(dev, d->name, S_IFCHR | 0666, makedev(d->major, d->minor)) == 0)
            continue;
        /* No CAP_MKNOD (a restricted agent): bind the node's own device instead. */
        char host[32], path[32];
        snprintf(host, sizeof host, "/dev/%s", d->name);
        snprintf(path, sizeof path, "/dev/%s", d->name);
        result = bind_file(root_fd, host, path, message, size);
    }
    if (result == 0 && privileged)
        result = add_host_devices(dev, message, size);
    if (result == 0 && mkdirat(dev, "pts", 0755) != 0)
        result = fail(message, size, "cannot create /dev/pts: %s", strerror(errno));
    if (result == 0)
        result = mount_in_root(root_fd, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                               "newinstance,ptmxmode=0666,mode=0620,gid=5", true, message, size);
    if (result == 0 && mkdirat(dev, "shm", 01777) != 0)
        result = fail(message, size, "cannot create /dev/shm: %s", strerror(errno));
    if (result == 0)
        result = mount_in_root(root_fd, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", true, message, size);
    /* Optional, like runc: POSIX message queues of the container's own ipc namespace. */
    if (result == 0 && mkdirat(dev, "mqueue", 0755) == 0
        && mount_in_root(root_fd, "/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true, message, size) != 0)
        unlinkat(dev, "mqueue", AT_REMOVEDIR);
    static const char *const links[][2] = {
        {"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; result == 0 && i < sizeof links / sizeof links[0]; i++)
        if (symlinkat(links[i][0], dev, links[i][1]) != 0)
            result = fail(message, size, "cannot create /dev/%s: %s", links[i][1], strerror(errno));
    close(dev);
    return result;
}

static int mount_sys(int root_fd, bool privileged, char *message, size_t size)
{
    unsigned long flags = (privileged ? 0 : MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (mount_in_root(root_fd, "/sys", "sysfs", "sysfs", flags, NULL, true, message, size) == 0)
        return 0;
    /* sysfs of a network namespace we do not own: the node's /sys, read-only and without its
     * submounts (a writable /sys/fs/cgroup of the node must not come along). */
    if (mount_in_root(root_fd, "/sys", "/sys", NULL, MS_BIND, NULL, true, message, size) != 0)
        return -1;
    return remount_read_only(root_fd, "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, message, size);
}

/* The same without mount_setattr: the top, then each hierarchy bound below it. */
static int remount_tree_read_only(int root_fd, const char *path, char *message, size_t size)
{
    const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    int dir = open_in_root(root_fd, path, O_RDONLY | O_DIRECTORY);
    if (dir < 0)
        return fail(message, size, "cannot open %s in the root: %s", path, strerror(errno));
    DIR *entries = fdopendir(dir);
    if (entries == NULL) {
        close(dir);
        return fail(message, size, "cannot list %s: %s", path, strerror(errno));
    }
    int result = 0;
    struct dirent *entry;
    while (result == 0 && (entry = readdir(entries)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char child[PATH_MAX];
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        result = remount_read_only(root_fd, child, flags, message, size);
    }
    closedir(entries);
    return result == 0 ? remount_read_only(root_fd, path, flags, message, size) : result;
}

/* Makes the mount at path and every mount below it read-only, nosuid, nodev, noexec: one
 * mount_setattr(2) for the tree, else (kernels before 5.12) one remount per mount. */
static int make_tree_read_only(int root_fd, const char *path, char *message, size_t size)
{
    int fd = open_in_root(root_fd, path, O_PATH | O_DIRECTORY);
    if (fd < 0)
        return fail(message, size, "cannot open %s in the root: %s", path, strerror(errno));
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
    int result = mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr);
    int saved = errno;
    close(fd);
    if (result == 0)
        return 0;
    if (saved != ENOSYS)
        return fail(message, size, "cannot make %s read-only: %s", path, strerror(saved));
    return remount_tree_read_only(root_fd, path, message, size);
}

/* As runc: the container sees its own cgroups and nothing of the node's tree, read-only. On cgroup v2
 * /sys/fs/cgroup is its own cgroup; on v1 and hybrid hosts it is a tmpfs holding, per hierarchy, its
 * own cgroup of that hierarchy (so /sys/fs/cgroup/cpu/cpu.cfs_quota_us is its limit). The process has
 * joined its cgroups already; /proc/self/cgroup still names them as the node sees them. */
static int mount_cgroups(int root_fd, bool privileged, char *message, size_t size)
{
    const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return 0;
    bool unified_only = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
    int result = 0;
    if (!unified_only)
        result = mount_in_root(root_fd, "/sys/fs/cgroup", "tmpfs", "tmpfs", flags, "mode=755,size=64k", true, message, size);
    char line[PATH_MAX + 256];
    while (result == 0 && fgets(line, sizeof line, f) != NULL) {
        char *first = strchr(line, ':');
        char *second = first == NULL ? NULL : strchr(first + 1, ':');
        if (second == NULL)
            continue;
        *second = '\0';
        char *controllers = first + 1, *path = second + 1;
        path[strcspn(path, "\n")] = '\0';
        /* A hierarchy the container was not placed in (its cgroup there is the root) would show the
         * node's whole tree: left out, as its own cgroup is all a container may see. */
        if (unified_only != (controllers[0] == '\0') || strcmp(path, "/") == 0)
            continue;
        const char *hierarchy = controllers[0] == '\0' ? "unified" : strncmp(controllers, "name=", 5) == 0 ? controllers + 5 : controllers;
        char host[PATH_MAX], inside[PATH_MAX];
        if (unified_only) {
            snprintf(host, sizeof host, "/sys/fs/cgroup%s", path);
            snprintf(inside, sizeof inside, "/sys/fs/cgroup");
        } else {
            snprintf(host, sizeof host, "/sys/fs/cgroup/%s%s", hierarchy, path);
            snprintf(inside, sizeof inside, "/sys/fs/cgroup/%s", hierarchy);
        }
        int source = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (source < 0)
            continue; /* a hierarchy not mounted where the node keeps the others */
        result = bind_in_root(root_fd, source, host, inside, unified_only && !privileged, message, size);
        close(source);
    }
    fclose(f);
    if (result == 0 && !unified_only && !privileged)
        result = make_tree_read_only(root_fd, "/sys/fs/cgroup", message, size);
    return result;
}

/* What runc's default spec hides in /proc and /sys (kernel memory, keys, timers, firmware) ... */
static const char *const masked_paths[] = {
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
};

/* ... and what it makes read-only (kernel tunables, sysrq, interrupts). */
static const char *const read_only_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* Masks and write-protects the kernel's interfaces in the container's /proc and /sys. Paths this
 * kernel does not have are skipped. Only meaningful with CAP_SYS_ADMIN dropped (the launcher does). */
static int protect_kernel_files(int root_fd, char *message, size_t size)
{
    for (size_t i = 0; i < sizeof masked_paths / sizeof masked_paths[0]; i++) {
        int fd = open_in_root(root_fd, masked_paths[i], O_PATH);
        if (fd < 0)
            continue;
        struct stat st;
        char target[FD_PATH];
        fd_path(fd, target);
        int result = fstat(fd, &st) != 0 ? -1
                     : S_ISDIR(st.st_mode) ? mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
                                           : mount("/dev/null", target, NULL, MS_BIND, NULL);
        int saved = errno;
        close(fd);
        if (result != 0)
            return fail(message, size, "cannot mask %s: %s", masked_paths[i], strerror(saved));
    }
    for (size_t i = 0; i < sizeof read_only_paths / sizeof read_only_paths[0]; i++) {
        int fd = open_in_root(root_fd, read_only_paths[i], O_PATH);
        if (fd < 0)
            continue;
        char target[FD_PATH];
        fd_path(fd, target);
        int result = mount(target, target, NULL, MS_BIND | MS_REC, NULL);
        int saved = errno;
        close(fd);
        if (result != 0)
            return fail(message, size, "cannot bind %s: %s", read_only_paths[i], strerror(saved));
        if (remount_read_only(root_fd, read_only_paths[i], MS_NOSUID | MS_NODEV | MS_NOEXEC, message, size) != 0)
            return -1;
    }
    return 0;
}

/* runc's sequence: the old root is stacked under the new one by pivot_root(".", "."), then detached. */
static int pivot(int root_fd, char *message, size_t size)
{
    int old_root = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
    if (old_root < 0)
        return fail(message, size, "cannot open the old root: %s", strerror(errno));
    int result = -1;
    if (fchdir(root_fd) != 0)
        fail(message, size, "cannot enter the new root: %s", strerror(errno));
    else if (syscall(SYS_pivot_root, ".", ".") != 0)
        fail(message, size, "cannot pivot_root: %s", strerror(errno));
    else if (fchdir(old_root) != 0)
        fail(message, size, "cannot return to the old root: %s", strerror(errno));
    /* No unmount event may reach the node's mounts through propagation. */
    else if (mount("", ".", NULL, MS_SLAVE | MS_REC, NULL) != 0)
        fail(message, size, "cannot make the old root a slave: %s", strerror(errno));
    else if (umount2(".", MNT_DETACH) != 0)
        fail(message, size, "cannot detach the old root: %s", strerror(errno));
    else if (chdir("/") != 0)
        fail(message, size, "cannot enter the new root: %s", strerror(errno));
    else
        result = 0;
    close(old_root);
    return result;
}

int enter_rootfs(const struct rootfs *r, struct bind_mount *binds, int bind_count, char *message, size_t size)
{
    if (mount_root(r, message, size) != 0)
        return -1;
    int root_fd = open(r->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return fail(message, size, "cannot open the root %s: %s", r->mountpoint, strerror(errno));
    /* Mount points get exactly the modes asked for (0755 directories, 0644 files, 0666 nodes). */
    mode_t umask_before = umask(0);
    int result = mount_in_root(root_fd, "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true, message, size);
    if (result == 0)
        result = mount_dev(root_fd, r->privileged, message, size);
    if (result == 0)
        result = mount_sys(root_fd, r->privileged, message, size);
    if (result == 0)
        result = mount_cgroups(root_fd, r->privileged, message, size);
    if (result == 0 && r->hosts != NULL)
        result = bind_file(root_fd, r->hosts, "/etc/hosts", message, size);
    if (result == 0 && r->resolv_conf != NULL)
        result = bind_file(root_fd, r->resolv_conf, "/etc/resolv.conf", message, size);
    if (result == 0 && r->hostname_file != NULL)
        result = bind_file(root_fd, r->hostname_file, "/etc/hostname", message, size);
    /* runc's privileged containers: no masked or read-only paths. */
    if (result == 0 && !r->privileged)
        result = protect_kernel_files(root_fd, message, size);
    for (int i = 0; result == 0 && i < bind_count; i++) {
        struct bind_mount *b = &binds[i];
        if (b->target[0] != '/' || strstr(b->target, "/../") != NULL
            || (strlen(b->target) >= 3 && strcmp(b->target + strlen(b->target) - 3, "/..") == 0))
            result = fail(message, size, "mount path %s is not an absolute path without \"..\"", b->target);
        else
            result = bind_in_root(root_fd, b->source_fd, b->source, b->target, b->read_only, message, size);
        close(b->source_fd);
        b->source_fd = -1;
    }
    umask(umask_before);
    /* readOnlyRootFilesystem: the overlay mount only; /dev, /proc, the /etc files and the volumes
     * are mounts of their own and stay as they are, as with runc's readonly root. */
    if (result == 0 && r->read_only)
        result = remount_read_only(root_fd, "/", MS_NODEV, message, size);
    if (result == 0)
        result = pivot(root_fd, message, size);
    close(root_fd);
    return result;
}
