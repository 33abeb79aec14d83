/*
 * PID 1's set-up steps before the command is forked: see container-setup.h.
 */
#define _GNU_SOURCE
#include "container-setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container-env.h"
#include "launch-common.h"
#include "rootfs.h"
#include "volume-mounts.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define KEEP_MOUNT "/run/axolotl-keep"

/* The command's pid, in PID 1 once forked: a failure of PID 1 after the fork takes the command along. */
static pid_t forked_app = 0;

void init_forked(pid_t app)
{
    forked_app = app;
}

void init_failed(int error_fd, int code, const char *fmt, ...)
{
    char text[1024];
    int n = snprintf(text, sizeof text, "%d ", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    va_end(ap);
    write_all(error_fd, text, strlen(text));
    if (forked_app > 0)
        kill(forked_app, SIGKILL);
    _exit(code);
}

static void mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return;
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

/* An executable under /tmp/<dir>/ (a test build, a worktree) must stay visible behind the private
 * /tmp: returns its directory (the shell chain's rule: "/tmp/", one or more characters, then a
 * slash somewhere after them), or false when there is nothing to keep. */
static bool keep_directory(const char *argv0, char *out, size_t size)
{
    if (strncmp(argv0, "/tmp/", 5) != 0 || argv0[5] == '\0' || strchr(argv0 + 6, '/') == NULL)
        return false;
    const char *slash = strrchr(argv0, '/');
    size_t len = (size_t)(slash - argv0);
    if (len + 1 > size)
        return false;
    memcpy(out, argv0, len);
    out[len] = '\0';
    return true;
}

void go_strerror(int error, char *out, size_t size)
{
    snprintf(out, size, "%s", strerror(error));
    if (out[0] >= 'A' && out[0] <= 'Z')
        out[0] = (char)(out[0] - 'A' + 'a');
}

const char *command_path(const struct options *o)
{
    return o->env != NULL ? container_env_get(o->env, "PATH") : getenv("PATH");
}

int check_executable(const char *argv0, const char *path, char *message, size_t size)
{
    if (strchr(argv0, '/') != NULL) {
        struct stat st;
        if (stat(argv0, &st) != 0) {
            char reason[128];
            go_strerror(errno, reason, sizeof reason);
            snprintf(message, size, "exec: \"%s\": stat %s: %s", argv0, argv0, reason);
            return EXIT_NOEXEC;
        }
        if (S_ISDIR(st.st_mode) || (st.st_mode & 0111) == 0) {
            snprintf(message, size, "exec: \"%s\": permission denied", argv0);
            return EXIT_SETUP;
        }
        return 0;
    }
    if (path == NULL || *path == '\0')
        path = DEFAULT_PATH;
    const char *dir = path;
    while (dir != NULL) {
        const char *end = strchr(dir, ':');
        size_t len = end != NULL ? (size_t)(end - dir) : strlen(dir);
        char candidate[PATH_MAX];
        if (snprintf(candidate, sizeof candidate, "%.*s/%s", (int)len, len > 0 ? dir : ".", argv0) < (int)sizeof candidate) {
            struct stat st;
            if (stat(candidate, &st) == 0 && !S_ISDIR(st.st_mode) && (st.st_mode & 0111) != 0)
                return 0;
        }
        dir = end != NULL ? end + 1 : NULL;
    }
    snprintf(message, size, "exec: \"%s\": executable file not found in $PATH", argv0);
    return EXIT_NOEXEC;
}

/* --standby: the container's cgroups are joined only on "go", after the pivot (their paths are gone
 * then) and after the agent has made them afresh for this attempt: hold the pod's cgroup directories,
 * which outlive the container's, and open "<container>/cgroup.procs" under them then. */
void hold_cgroup_parents(struct options *o, int error_fd)
{
    for (int i = 0; i < o->cgroups; i++) {
        const char *path = o->cgroup_procs[i];
        const char *name = NULL;
        int slashes = 0;
        for (const char *p = path + strlen(path); p > path; p--)
            if (p[-1] == '/' && ++slashes == 2) {
                name = p;
                break;
            }
        if (name == NULL)
            init_failed(error_fd, EXIT_CGROUP, "cannot hold cgroup %s: no parent directory", path);
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%.*s", (int)(name - path), path);
        o->cgroup_dirs[i] = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
        o->cgroup_names[i] = name;
        if (o->cgroup_dirs[i] < 0)
            init_failed(error_fd, EXIT_CGROUP, "cannot hold cgroup %s: %s", parent, strerror(errno));
    }
}

void join_held_cgroups(const struct options *o, int error_fd)
{
    for (int i = 0; i < o->cgroups; i++) {
        int fd = openat(o->cgroup_dirs[i], o->cgroup_names[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1)
            init_failed(error_fd, EXIT_CGROUP, "cannot join cgroup %s: %s", o->cgroup_procs[i], strerror(errno));
        close(fd);
        close(o->cgroup_dirs[i]);
    }
}

void join_cgroups(const struct options *o, int error_fd)
{
    for (int i = 0; i < o->cgroups; i++) {
        /* "0" moves the writing process, whatever pid namespace it is in. */
        int fd = open(o->cgroup_procs[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1)
            init_failed(error_fd, EXIT_CGROUP, "cannot join cgroup %s: %s", o->cgroup_procs[i], strerror(errno));
        close(fd);
    }
}

/* The pod's resolv.conf: --resolv-conf, else "resolv.conf" beside the hosts file if there is one. */
static bool resolv_conf_file(const struct options *o, char *out, size_t size)
{
    if (o->resolv_conf != NULL)
        return snprintf(out, size, "%s", o->resolv_conf) < (int)size;
    if (o->hosts == NULL)
        return false;
    const char *slash = strrchr(o->hosts, '/');
    int dir_len = slash == NULL ? 0 : (int)(slash - o->hosts + 1);
    if (snprintf(out, size, "%.*sresolv.conf", dir_len, o->hosts) >= (int)size)
        return false;
    return access(out, R_OK) == 0;
}

/* Nothing mounted here may propagate back to the host (unshare --mount makes all private); with a
 * HostToContainer volume the node's mounts stay masters of these, so later ones reach it. */
static unsigned long root_propagation(const struct options *o)
{
    return any_host_to_container(o->binds, o->bind_count) ? MS_SLAVE : MS_PRIVATE;
}

void set_up_mounts(struct options *o, int error_fd)
{
    if (mount("none", "/", NULL, MS_REC | root_propagation(o), NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot make mounts private: %s", strerror(errno));
    /* This namespace's own /proc: ps and /proc/1 show the container (unshare --mount-proc). */
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /proc: %s", strerror(errno));
    if (o->hosts != NULL && mount(o->hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /etc/hosts: %s", strerror(errno));
    char resolv[PATH_MAX];
    if (resolv_conf_file(o, resolv, sizeof resolv) && mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /etc/resolv.conf: %s", strerror(errno));
    /* Before /tmp is replaced: a working directory under /tmp stays usable as the cwd. With volumes
     * it may not exist yet (it can be a mountPath): it is entered again after the mounts. */
    bool in_workdir = chdir(o->workdir) == 0;
    if (!in_workdir && o->bind_count == 0)
        init_failed(error_fd, EXIT_SETUP, "cannot change to working directory %s", o->workdir);
    char volume_error[PATH_MAX + 256];
    int workdir_fd = -1;
    if (o->bind_count > 0) {
        if (pin_bind_sources(o->binds, o->bind_count, volume_error, sizeof volume_error) != 0)
            init_failed(error_fd, EXIT_SETUP, "%s", volume_error);
        if (in_workdir)
            workdir_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }

    char keep[PATH_MAX];
    bool keeping = keep_directory(o->argv[0], keep, sizeof keep);
    if (keeping) {
        mkdir(KEEP_MOUNT, 0755);
        if (mount(keep, KEEP_MOUNT, NULL, MS_BIND, NULL) != 0)
            init_failed(error_fd, EXIT_SETUP, "cannot keep %s: %s", keep, strerror(errno));
    }
    char data[128];
    snprintf(data, sizeof data, "size=%s,mode=1777", o->tmp_size);
    if (mount("tmpfs", "/tmp", "tmpfs", 0, data) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /tmp: %s", strerror(errno));
    if (keeping) {
        mkdir_p(keep);
        if (mount(KEEP_MOUNT, keep, NULL, MS_MOVE, NULL) != 0)
            init_failed(error_fd, EXIT_SETUP, "cannot keep %s: %s", keep, strerror(errno));
    }
    if (o->bind_count > 0) {
        if (apply_bind_mounts(o->binds, o->bind_count, volume_error, sizeof volume_error) != 0)
            init_failed(error_fd, EXIT_SETUP, "%s", volume_error);
        if (any_host_to_container(o->binds, o->bind_count) && set_bind_propagation(o->binds, o->bind_count, volume_error, sizeof volume_error) != 0)
            init_failed(error_fd, EXIT_SETUP, "%s", volume_error);
        /* As runc: the working directory is resolved after the mounts (it may be in a volume, or the
         * root may have changed); one the mounts hid stays reachable through its descriptor. */
        if (chdir(o->workdir) != 0 && (workdir_fd < 0 || fchdir(workdir_fd) != 0))
            init_failed(error_fd, EXIT_SETUP, "cannot change to working directory %s", o->workdir);
        if (workdir_fd >= 0)
            close(workdir_fd);
    }
}

void set_up_rootfs(struct options *o, int error_fd)
{
    if (mount("none", "/", NULL, MS_REC | root_propagation(o), NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot make mounts private: %s", strerror(errno));
    char error[PATH_MAX + 256];
    if (o->bind_count > 0 && pin_bind_sources(o->binds, o->bind_count, error, sizeof error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", error);
    char resolv[PATH_MAX];
    o->root.hosts = o->hosts;
    o->root.resolv_conf = resolv_conf_file(o, resolv, sizeof resolv) ? resolv : NULL;
    if (enter_rootfs(&o->root, o->binds, o->bind_count, error, sizeof error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", error);
    if (any_host_to_container(o->binds, o->bind_count) && set_bind_propagation(o->binds, o->bind_count, error, sizeof error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", error);
    /* As runc: a missing working directory is created (inside the new root, which is all there is now). */
    mkdir_p(o->workdir);
    if (chdir(o->workdir) != 0)
        init_failed(error_fd, EXIT_SETUP, "chdir to cwd (\"%s\") set in config.json failed: %s", o->workdir, strerror(errno));
}

int open_console(struct options *o, int error_fd)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    char name[64];
    int slave = -1;
    if (master < 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0
        || (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        init_failed(error_fd, EXIT_SETUP, "cannot create a terminal in the container: %s", strerror(errno));
    if (o->has_user && fchown(slave, o->uid, (gid_t)-1) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot give the terminal to user %u: %s", (unsigned int)o->uid, strerror(errno));
    if (send_fd(o->console_fd, master) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot hand the terminal to the launcher: %s", strerror(errno));
    close(master);
    close(o->console_fd);
    o->console_fd = -1;
    return slave;
}
