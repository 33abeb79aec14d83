/*
 * Volume mounts for axolotl-launch (docs/adr/0004-volume-mount-points.md).
 *
 * Containers run on the node's own root, in a private mount namespace. A volume whose mountPath
 * exists is bind-mounted onto it. A missing mountPath must not be created on the node's disk, so
 * its deepest existing ancestor is "shadowed" first: a fresh tmpfs that holds a bind mount of each
 * of the ancestor's entries (a symlink is copied) is moved over the ancestor, and the missing
 * directories are made on that tmpfs. For "/" the tmpfs becomes the container's root (chroot).
 * Everything stays inside the container's mount namespace; the node sees nothing of it.
 *
 * A subPath comes as "VOLUME/./PATH" (rsync's marker): the agent has resolved PATH inside VOLUME to
 * a path with no symlink and no "..". It is opened here with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS) under a descriptor of VOLUME and mounted through "/proc/self/fd/N", as the
 * kubelet does since CVE-2021-25741: a pod that swaps a directory for a symlink after the agent's
 * check gets a refused start, never a mount of what the link names.
 */
#define _GNU_SOURCE
#include "volume-mounts.h"

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
#include <sys/types.h>
#include <unistd.h>

/* Scratch mount points live in the container's private /tmp: gone with the container. */
#define SCRATCH "/tmp/.axolotl-mounts"
#define MAX_OWNED 32

/* Filesystems this container made itself (its /tmp, each shadow): mount points may be created there. */
static dev_t owned[MAX_OWNED];
static int owned_count;
static int shadows;

static int fail(char *message, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, size, fmt, ap);
    va_end(ap);
    return -1;
}

static void own(const char *path)
{
    struct stat st;
    if (owned_count < MAX_OWNED && stat(path, &st) == 0)
        owned[owned_count++] = st.st_dev;
}

static bool is_owned(dev_t dev)
{
    for (int i = 0; i < owned_count; i++)
        if (owned[i] == dev)
            return true;
    return false;
}

#define SUB_PATH_MARKER "/./"

/* A subPath source "VOLUME/./PATH": PATH opened beneath VOLUME without following any symlink. */
static int open_sub_path(const char *source, const char *marker, char *message, size_t size)
{
    char volume[PATH_MAX];
    size_t len = (size_t)(marker - source);
    if (len + 1 >= sizeof volume)
        return fail(message, size, "volume path too long: %s", source);
    memcpy(volume, source, len);
    volume[len] = '\0';
    if (len == 0)
        snprintf(volume, sizeof volume, "/");
    const char *path = marker + strlen(SUB_PATH_MARKER);
    if (*path == '\0')
        path = ".";

    int volume_fd = open(volume, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (volume_fd < 0)
        return fail(message, size, "cannot open volume %s: %s", volume, strerror(errno));
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    int fd = -1;
    /* EAGAIN: a rename somewhere in the volume raced the lookup; the pod may rename all it likes. */
    for (int attempt = 0; attempt < 16; attempt++) {
        fd = (int)syscall(SYS_openat2, volume_fd, path, &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    int saved = errno;
    close(volume_fd);
    if (fd >= 0)
        return fd;
    if (saved == ENOSYS)
        return fail(message, size, "cannot mount subPath %s of %s safely: this kernel has no openat2 (Linux 5.6 or later is needed)", path, volume);
    if (saved == ELOOP || saved == EXDEV)
        return fail(message, size, "subPath %s of %s changed after it was checked (a symlink is in its way): refused", path, volume);
    return fail(message, size, "cannot open subPath %s of %s: %s", path, volume, strerror(saved));
}

int pin_bind_sources(struct bind_mount *binds, int count, char *message, size_t size)
{
    for (int i = 0; i < count; i++) {
        const char *marker = strstr(binds[i].source, SUB_PATH_MARKER);
        if (marker != NULL) {
            binds[i].source_fd = open_sub_path(binds[i].source, marker, message, size);
            if (binds[i].source_fd < 0)
                return -1;
            continue;
        }
        binds[i].source_fd = open(binds[i].source, O_PATH | O_CLOEXEC);
        if (binds[i].source_fd < 0)
            return fail(message, size, "cannot open volume source %s: %s", binds[i].source, strerror(errno));
    }
    return 0;
}

/* The deepest existing ancestor of path (never path itself), "/" at the least. */
static void existing_ancestor(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    for (;;) {
        char *slash = strrchr(out, '/');
        if (slash == NULL || slash == out) {
            snprintf(out, size, "/");
            return;
        }
        *slash = '\0';
        struct stat st;
        if (stat(out, &st) == 0)
            return;
    }
}

/* One entry of the shadowed directory: the same thing at the same name, by bind mount or symlink copy. */
static int mirror_entry(const char *from, const char *to, char *message, size_t size)
{
    struct stat st;
    if (lstat(from, &st) != 0)
        return fail(message, size, "cannot read %s: %s", from, strerror(errno));
    if (S_ISLNK(st.st_mode)) {
        char link[PATH_MAX];
        ssize_t n = readlink(from, link, sizeof link - 1);
        if (n < 0)
            return fail(message, size, "cannot read link %s: %s", from, strerror(errno));
        link[n] = '\0';
        if (symlink(link, to) != 0)
            return fail(message, size, "cannot copy link %s: %s", from, strerror(errno));
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(to, st.st_mode & 07777) != 0)
            return fail(message, size, "cannot create %s: %s", to, strerror(errno));
    } else {
        int fd = open(to, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            return fail(message, size, "cannot create %s: %s", to, strerror(errno));
        close(fd);
    }
    /* Recursive: /proc, /sys, /dev and the like keep their own submounts. */
    if (mount(from, to, NULL, MS_BIND | MS_REC, NULL) != 0)
        return fail(message, size, "cannot mirror %s: %s", from, strerror(errno));
    return 0;
}

/* Replaces dir, inside this mount namespace, by a tmpfs that shows the same entries. */
static int shadow(const char *dir, char *message, size_t size)
{
    char stash[PATH_MAX];
    char root[PATH_MAX];
    int n = shadows++;
    mkdir(SCRATCH, 0700);
    snprintf(stash, sizeof stash, "%s/%d-stash", SCRATCH, n);
    snprintf(root, sizeof root, "%s/%d-root", SCRATCH, n);
    struct stat st;
    if (stat(dir, &st) != 0)
        return fail(message, size, "cannot read %s: %s", dir, strerror(errno));
    if (mkdir(stash, 0700) != 0 || mkdir(root, 0700) != 0)
        return fail(message, size, "cannot create scratch mount points: %s", strerror(errno));
    /* The stash is taken before the tmpfs exists, so it never contains the tmpfs itself. */
    if (mount(dir, stash, NULL, MS_BIND | MS_REC, NULL) != 0)
        return fail(message, size, "cannot bind %s: %s", dir, strerror(errno));
    if (mount("tmpfs", root, "tmpfs", 0, "mode=0755") != 0)
        return fail(message, size, "cannot mount a tmpfs for %s: %s", dir, strerror(errno));
    if (chmod(root, st.st_mode & 07777) != 0 || chown(root, st.st_uid, st.st_gid) != 0)
        return fail(message, size, "cannot set up the tmpfs for %s: %s", dir, strerror(errno));

    DIR *entries = opendir(stash);
    if (entries == NULL)
        return fail(message, size, "cannot list %s: %s", dir, strerror(errno));
    struct dirent *entry;
    int result = 0;
    while (result == 0 && (entry = readdir(entries)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char from[PATH_MAX];
        char to[PATH_MAX];
        if (snprintf(from, sizeof from, "%s/%s", stash, entry->d_name) >= (int)sizeof from
            || snprintf(to, sizeof to, "%s/%s", root, entry->d_name) >= (int)sizeof to)
            result = fail(message, size, "path too long under %s", dir);
        else
            result = mirror_entry(from, to, message, size);
    }
    closedir(entries);
    if (result != 0)
        return result;
    umount2(stash, MNT_DETACH);
    rmdir(stash);

    if (strcmp(dir, "/") == 0) {
        /* As switch_root does: the tmpfs moves onto "/" and becomes the root. */
        if (chdir(root) != 0 || mount(root, "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 || chdir("/") != 0)
            return fail(message, size, "cannot switch to the shadowed root: %s", strerror(errno));
    } else if (mount(root, dir, NULL, MS_MOVE, NULL) != 0) {
        return fail(message, size, "cannot move the tmpfs onto %s: %s", dir, strerror(errno));
    }
    /* No longer a mount point; /tmp is the same tmpfs in the new root too. */
    rmdir(root);
    own(dir);
    return 0;
}

/* Makes path (a directory, or an empty file when !dir) exist without writing to the node's disk. */
static int ensure_mount_point(const char *path, bool dir, char *message, size_t size)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode) != dir)
            return fail(message, size, "cannot mount %s on %s: %s", dir ? "a directory" : "a file", path,
                        dir ? "not a directory" : "is a directory");
        return 0;
    }
    char ancestor[PATH_MAX];
    existing_ancestor(path, ancestor, sizeof ancestor);
    if (stat(ancestor, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(message, size, "cannot create mount point %s: %s is not a directory", path, ancestor);
    if (!is_owned(st.st_dev) && shadow(ancestor, message, size) != 0)
        return -1;

    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + strlen(ancestor) + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return fail(message, size, "cannot create mount point %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (dir) {
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return fail(message, size, "cannot create mount point %s: %s", path, strerror(errno));
        return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(message, size, "cannot create mount point %s: %s", path, strerror(errno));
    close(fd);
    return 0;
}

int apply_bind_mounts(struct bind_mount *binds, int count, char *message, size_t size)
{
    own("/tmp");
    for (int i = 0; i < count; i++) {
        struct bind_mount *b = &binds[i];
        struct stat source;
        if (fstat(b->source_fd, &source) != 0)
            return fail(message, size, "cannot read volume source %s: %s", b->source, strerror(errno));
        if (b->target[0] != '/')
            return fail(message, size, "mount path %s is not absolute", b->target);
        if (ensure_mount_point(b->target, S_ISDIR(source.st_mode), message, size) != 0)
            return -1;
        /* Through the pinned descriptor: the source's own path may be hidden by now (under /tmp). */
        char from[64];
        snprintf(from, sizeof from, "/proc/self/fd/%d", b->source_fd);
        if (mount(from, b->target, NULL, MS_BIND | MS_REC, NULL) != 0)
            return fail(message, size, "cannot mount %s on %s: %s", b->source, b->target, strerror(errno));
        if (b->read_only && mount("none", b->target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
            return fail(message, size, "cannot make %s read-only: %s", b->target, strerror(errno));
        close(b->source_fd);
        b->source_fd = -1;
    }
    rmdir(SCRATCH);
    return 0;
}

bool any_host_to_container(const struct bind_mount *binds, int count)
{
    for (int i = 0; i < count; i++)
        if (binds[i].host_to_container)
            return true;
    return false;
}

/* Whether the newest mount on path (this process's view) has a master: the "master:N" optional field of mountinfo. */
static int mount_has_master(const char *path, bool *has_master)
{
    FILE *info = fopen("/proc/self/mountinfo", "re");
    if (info == NULL)
        return -1;
    char line[4096];
    bool found = false;
    while (fgets(line, sizeof line, info) != NULL) {
        /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - ..." */
        char *fields[6] = {0};
        char *cursor = line;
        int n = 0;
        for (; n < 5; n++) {
            fields[n] = strsep(&cursor, " ");
            if (fields[n] == NULL)
                break;
        }
        if (n < 5 || cursor == NULL || strcmp(fields[4], path) != 0)
            continue;
        char *dash = strstr(cursor, " - ");
        if (dash != NULL)
            *dash = '\0';
        found = true;
        *has_master = strstr(cursor, "master:") != NULL;
    }
    fclose(info);
    return found ? 0 : -1;
}

int set_bind_propagation(const struct bind_mount *binds, int count, char *message, size_t size)
{
    for (int i = 0; i < count; i++) {
        const struct bind_mount *b = &binds[i];
        if (!b->host_to_container) {
            if (mount("", b->target, NULL, MS_PRIVATE | MS_REC, NULL) != 0)
                return fail(message, size, "cannot make %s private: %s", b->target, strerror(errno));
            continue;
        }
        if (mount("", b->target, NULL, MS_SLAVE | MS_REC, NULL) != 0)
            return fail(message, size, "cannot make %s a slave mount: %s", b->target, strerror(errno));
        bool has_master = false;
        if (mount_has_master(b->target, &has_master) != 0)
            return fail(message, size, "cannot find the mount on %s in /proc/self/mountinfo", b->target);
        if (!has_master)
            return fail(message, size,
                        "mountPropagation HostToContainer: path %s is not on a shared or slave mount of the node, so no later mount can reach the container (make it shared: mount --bind DIR DIR && mount --make-shared DIR)",
                        b->source);
    }
    return 0;
}
