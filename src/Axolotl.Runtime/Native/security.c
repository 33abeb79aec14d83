/*
 * A container's securityContext for axolotl-launch (security.h). The agent decides (capabilities
 * from add/drop/privileged, no_new_privs from allowPrivilegeEscalation, which namespaces are the
 * node's, which sysctls are allowed); this file only applies the result to PID 1 before it execs
 * tini, so every process of the container inherits it and none can undo it: the bounding set can
 * only shrink, no_new_privs cannot be cleared, and without CAP_SYS_ADMIN no mount can be changed.
 */
#define _GNU_SOURCE
#include "security.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_DEVICE_DEPTH 4

static int fail(char *message, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, size, fmt, ap);
    va_end(ap);
    return -1;
}

int security_option(struct security *s, const char *value, char *message, size_t size)
{
    if (strncmp(value, "caps=", 5) == 0) {
        char *end;
        errno = 0;
        s->caps = strtoull(value + 5, &end, 16);
        if (end == value + 5 || *end != '\0' || errno != 0)
            return fail(message, size, "--sec caps wants a hexadecimal mask");
        s->has_caps = true;
    } else if (strcmp(value, "no-new-privs") == 0) {
        s->no_new_privs = true;
    } else if (strcmp(value, "read-only-root") == 0) {
        s->read_only_root = true;
    } else if (strcmp(value, "privileged") == 0) {
        s->privileged = true;
    } else if (strcmp(value, "host-pid") == 0) {
        s->host_pid = true;
    } else if (strcmp(value, "host-ipc") == 0) {
        s->host_ipc = true;
    } else if (strcmp(value, "host-uts") == 0) {
        s->host_uts = true;
    } else if (strncmp(value, "sysctl=", 7) == 0) {
        const char *path = value + 7;
        const char *eq = strchr(path, '=');
        /* A path below /proc/sys: no "..", no absolute path, no empty component. */
        if (eq == NULL || eq == path || path[0] == '/' || strstr(path, "..") != NULL || strstr(path, "//") != NULL)
            return fail(message, size, "--sec sysctl wants PATH=VALUE below /proc/sys");
        if (s->sysctl_count == MAX_SYSCTLS)
            return fail(message, size, "too many sysctls");
        s->sysctls[s->sysctl_count++] = path;
    } else {
        return fail(message, size, "unknown --sec value %s", value);
    }
    return 0;
}

unsigned long security_clone_flags(const struct security *s)
{
    unsigned long flags = CLONE_NEWNS;
    if (!s->host_pid)
        flags |= CLONE_NEWPID;
    if (!s->host_ipc)
        flags |= CLONE_NEWIPC;
    if (!s->host_uts)
        flags |= CLONE_NEWUTS;
    return flags;
}

int apply_sysctls(const struct security *s, char *message, size_t size)
{
    for (int i = 0; i < s->sysctl_count; i++) {
        const char *entry = s->sysctls[i];
        const char *eq = strchr(entry, '=');
        char path[512];
        if (snprintf(path, sizeof path, "/proc/sys/%.*s", (int)(eq - entry), entry) >= (int)sizeof path)
            return fail(message, size, "sysctl %s: name too long", entry);
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return fail(message, size, "write sysctl key %.*s: open %s: %s", (int)(eq - entry), entry, path, strerror(errno));
        const char *value = eq + 1;
        size_t len = strlen(value);
        ssize_t n = write(fd, value, len);
        int saved = errno;
        close(fd);
        if (n != (ssize_t)len)
            return fail(message, size, "write sysctl key %.*s: write %s: %s", (int)(eq - entry), entry, path,
                        n < 0 ? strerror(saved) : "short write");
    }
    return 0;
}

int apply_security(const struct security *s, char *message, size_t size)
{
    if (s->has_caps) {
        /* Up to the last capability this kernel knows (PR_CAPBSET_READ fails after it). */
        for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
            if ((cap >= 64 || (s->caps & (1ULL << cap)) == 0) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
                return fail(message, size, "cannot drop capability %d: %s", cap, strerror(errno));
    }
    /* As containerd since CVE-2022-24769: nothing inheritable, nothing ambient. */
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0)
        return fail(message, size, "cannot read capabilities: %s", strerror(errno));
    data[0].inheritable = 0;
    data[1].inheritable = 0;
    if (syscall(SYS_capset, &header, data) != 0)
        return fail(message, size, "cannot clear inheritable capabilities: %s", strerror(errno));
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail(message, size, "cannot set no_new_privs: %s", strerror(errno));
    return 0;
}

/* What runc leaves out of a privileged container's /dev: its own pts, shm, mqueue and fd. */
static bool skipped_device_entry(const char *name, int depth)
{
    if (name[0] == '.')
        return true;
    return depth == 0 && (strcmp(name, "pts") == 0 || strcmp(name, "shm") == 0 || strcmp(name, "mqueue") == 0 || strcmp(name, "fd") == 0
                          || strcmp(name, "console") == 0 || strcmp(name, "ptmx") == 0);
}

static int copy_devices(int from_fd, int to_fd, int depth, char *message, size_t size)
{
    int dup_fd = dup(from_fd);
    if (dup_fd < 0)
        return fail(message, size, "cannot read the node's /dev: %s", strerror(errno));
    DIR *dir = fdopendir(dup_fd);
    if (dir == NULL) {
        close(dup_fd);
        return fail(message, size, "cannot read the node's /dev: %s", strerror(errno));
    }
    int result = 0;
    struct dirent *entry;
    while (result == 0 && (entry = readdir(dir)) != NULL) {
        if (skipped_device_entry(entry->d_name, depth))
            continue;
        struct stat st;
        if (fstatat(from_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            if (mknodat(to_fd, entry->d_name, st.st_mode, st.st_rdev) != 0) {
                if (errno == EEXIST)
                    continue;
                result = fail(message, size, "cannot create /dev device %s: %s", entry->d_name, strerror(errno));
                break;
            }
            fchownat(to_fd, entry->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
            fchmodat(to_fd, entry->d_name, st.st_mode & 07777, 0);
        } else if (S_ISDIR(st.st_mode) && depth + 1 < MAX_DEVICE_DEPTH) {
            if (mkdirat(to_fd, entry->d_name, st.st_mode & 07777) != 0 && errno != EEXIST)
                continue;
            int child_from = openat(from_fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int child_to = openat(to_fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child_from >= 0 && child_to >= 0)
                result = copy_devices(child_from, child_to, depth + 1, message, size);
            if (child_from >= 0)
                close(child_from);
            if (child_to >= 0)
                close(child_to);
        }
    }
    closedir(dir);
    return result;
}

int add_host_devices(int dev_fd, char *message, size_t size)
{
    int host = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0)
        return fail(message, size, "cannot open the node's /dev: %s", strerror(errno));
    int result = copy_devices(host, dev_fd, 0, message, size);
    close(host);
    return result;
}
