/*
 * A command in a running container: see exec-into.h.
 */
#define _GNU_SOURCE
#include "exec-into.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container-env.h"
#include "exec-terminal.h"
#include "launch-common.h"
#include "seccomp.h"
#include "security.h"

/* The credentials and capability bounding set PID 1 (the container's init) runs with, from /proc/PID/status. */
struct credentials {
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_GROUPS];
    int group_count;
    unsigned long long bounding;
    bool no_new_privs;
};

static bool read_credentials(const char *pid, struct credentials *c)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    char line[4096];
    int found = 0;
    memset(c, 0, sizeof *c);
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned int id;
        if (sscanf(line, "Uid: %u", &id) == 1) {
            c->uid = id;
            found++;
        } else if (sscanf(line, "Gid: %u", &id) == 1) {
            c->gid = id;
            found++;
        } else if (strncmp(line, "Groups:", 7) == 0) {
            char *p = line + 7, *end;
            for (unsigned long g = strtoul(p, &end, 10); end != p && c->group_count < MAX_GROUPS; g = strtoul(p, &end, 10)) {
                c->groups[c->group_count++] = (gid_t)g;
                p = end;
            }
        } else if (sscanf(line, "CapBnd: %llx", &c->bounding) == 1) {
            found++;
        } else {
            unsigned int flag;
            if (sscanf(line, "NoNewPrivs: %u", &flag) == 1)
                c->no_new_privs = flag != 0;
        }
    }
    fclose(f);
    return found == 3;
}

/* Joins the container's cgroups: each file gets this process's pid (what the agent's shell did before it). */
static bool join_cgroups(const char *const *files, int count)
{
    char text[32];
    int length = snprintf(text, sizeof text, "%d\n", (int)getpid());
    for (int i = 0; i < count; i++) {
        int fd = open(files[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, text, (size_t)length) != length) {
            fprintf(stderr, "axolotl-launch: cannot join cgroup %s: %s\n", files[i], strerror(errno));
            if (fd >= 0)
                close(fd);
            return false;
        }
        close(fd);
    }
    return true;
}

/*
 * axolotl-launch --exec-into PID [--cgroup-procs FILE]... [--env-file FILE] [--tty SIZES|-] [--seccomp FILE [--seccomp-flags N]] -- argv:
 * runs argv in the container whose PID 1 is PID (host pid), as that process runs: its cgroups, its
 * namespaces (so its root, the image's or the node's), its working directory, uid, gid, supplementary
 * groups and capability bounding set, with the container's environment (--env-file, read on the node;
 * else this process's, which the agent keeps clean). Nothing of the node is needed inside the container,
 * and nothing of the container's is used before it is entered. Exits with argv's code (128+n for a
 * signal), 125 when the container cannot be entered, 126/127 when argv cannot be executed.
 * HOME is the user's from the container's /etc/passwd unless the environment sets it (runc's rule).
 * --tty: argv runs on a terminal made in the container (exec-terminal.h) with TERM=xterm (containerd's
 * exec), relayed to this process's stdin and stdout; SIZES is a FIFO of window sizes, "-" for none.
 */
int exec_into(int argc, char **argv)
{
    static const char usage[] = "usage: --exec-into PID [--cgroup-procs FILE]... [--env-file FILE] [--tty SIZES|-] [--seccomp FILE [--seccomp-flags N]] -- argv...";
    if (argc < 5)
        usage_error(usage);
    const char *pid = argv[2];
    int next = 3;
    struct seccomp_program seccomp = {0};
    const char *cgroup_files[16];
    int cgroup_count = 0;
    char **env = NULL;
    bool tty = false;
    int sizes_fd = -1;
    char message[PATH_MAX + 128];
    while (next + 1 < argc && strcmp(argv[next], "--") != 0) {
        const char *option = argv[next], *value = argv[next + 1];
        next += 2;
        if (strcmp(option, "--cgroup-procs") == 0 && cgroup_count < (int)(sizeof cgroup_files / sizeof cgroup_files[0])) {
            cgroup_files[cgroup_count++] = value;
        } else if (strcmp(option, "--env-file") == 0 && env == NULL) {
            /* Read here, on the node: the file is the agent's, never the container's. */
            if ((env = container_env_read(value, message, sizeof message)) == NULL) {
                fprintf(stderr, "axolotl-launch: %s\n", message);
                return EXIT_CGROUP;
            }
        } else if (strcmp(option, "--tty") == 0 && !tty) {
            tty = true;
            /* Opened on the node, read and write: it never reports an end while the agent reopens it. */
            if (strcmp(value, "-") != 0 && (sizes_fd = open(value, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
                fprintf(stderr, "axolotl-launch: cannot open the window sizes %s: %s\n", value, strerror(errno));
                return EXIT_CGROUP;
            }
        } else if (strcmp(option, "--seccomp") == 0) {
            unsigned int flags = 0;
            if (next + 1 < argc && strcmp(argv[next], "--seccomp-flags") == 0) {
                flags = parse_seccomp_flags(argv[next + 1]);
                next += 2;
            }
            /* Read here, on the node: after setns the path would be looked up in the container. */
            if (seccomp_read(value, flags, &seccomp, message, sizeof message) != 0) {
                fprintf(stderr, "axolotl-launch: %s\n", message);
                return EXIT_CGROUP;
            }
        } else {
            usage_error(usage);
        }
    }
    if (next + 1 >= argc || strcmp(argv[next], "--") != 0)
        usage_error(usage);
    char **command = argv + next + 1;
    if (!join_cgroups(cgroup_files, cgroup_count))
        return EXIT_CGROUP;
    struct credentials c;
    if (!read_credentials(pid, &c)) {
        fprintf(stderr, "axolotl-launch: cannot read the credentials of process %s: %s\n", pid, strerror(errno));
        return EXIT_CGROUP;
    }
    /* Opened before any setns: after entering the mount namespace these paths mean something else. */
    static const char *const namespaces[] = {"ipc", "uts", "net", "pid", "mnt"};
    int ns_fds[5];
    char path[64];
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, namespaces[i]);
        ns_fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (ns_fds[i] < 0) {
            fprintf(stderr, "axolotl-launch: cannot open %s: %s\n", path, strerror(errno));
            return EXIT_CGROUP;
        }
    }
    snprintf(path, sizeof path, "/proc/%s/cwd", pid);
    int cwd_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < 5; i++) {
        if (setns(ns_fds[i], 0) != 0) {
            fprintf(stderr, "axolotl-launch: cannot enter the %s namespace of %s: %s\n", namespaces[i], pid, strerror(errno));
            return EXIT_CGROUP;
        }
        close(ns_fds[i]);
    }
    /* Entering the mount namespace put us at its root; the working directory is the container's. */
    if (cwd_fd < 0 || fchdir(cwd_fd) != 0)
        chdir("/");
    if (cwd_fd >= 0)
        close(cwd_fd);

    struct exec_terminal terminal = {.master = -1, .slave = -1, .sizes = -1};
    if (tty && exec_terminal_open(&terminal, sizes_fd, c.uid, message, sizeof message) != 0) {
        fprintf(stderr, "axolotl-launch: %s\n", message);
        return EXIT_CGROUP;
    }

    /* The pid namespace applies to children only. */
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "axolotl-launch: cannot fork: %s\n", strerror(errno));
        return EXIT_CGROUP;
    }
    if (child == 0) {
        /* No parent-death signal: a tree kill (a timed-out probe) takes this process after ours and
         * must still find its children under it, not reparented to the container's init. */
        /* As runc exec: the container's no_new_privs, its filter (now, before the capabilities go,
         * unless no_new_privs is set), its bounding set, nothing inheritable or ambient. */
        char message[256];
        if (tty && exec_terminal_take(&terminal) != 0) {
            fprintf(stderr, "axolotl-launch: cannot take the terminal: %s\n", strerror(errno));
            _exit(EXIT_CGROUP);
        }
        if (c.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
            fprintf(stderr, "axolotl-launch: cannot set no_new_privs: %s\n", strerror(errno));
            _exit(EXIT_CGROUP);
        }
        if (seccomp_load_early(&seccomp, message, sizeof message) != 0) {
            fprintf(stderr, "axolotl-launch: %s\n", message);
            _exit(EXIT_CGROUP);
        }
        struct security security = {.has_caps = true, .caps = c.bounding, .no_new_privs = c.no_new_privs};
        if (apply_security(&security, message, sizeof message) != 0) {
            fprintf(stderr, "axolotl-launch: %s\n", message);
            _exit(EXIT_CGROUP);
        }
        if (setgroups((size_t)c.group_count, c.groups) != 0 || setgid(c.gid) != 0 || setuid(c.uid) != 0) {
            fprintf(stderr, "axolotl-launch: cannot become %u:%u: %s\n", (unsigned int)c.uid, (unsigned int)c.gid, strerror(errno));
            _exit(EXIT_CGROUP);
        }
        if (seccomp_load_late(&seccomp, message, sizeof message) != 0) {
            fprintf(stderr, "axolotl-launch: %s\n", message);
            _exit(EXIT_CGROUP);
        }
        /* The container's environment is the command's from its exec on (execvp looks in its PATH);
         * HOME is looked up now, as the container's user in its root. */
        if (env == NULL)
            env = environ;
        if (tty)
            env = container_env_set(env, "TERM", "xterm", true);
        environ = container_env_default_home(env, c.uid);
        execvp(command[0], command);
        int code = errno == ENOENT ? EXIT_NOEXEC : EXIT_SETUP;
        if (errno == ENOENT && strchr(command[0], '/') == NULL)
            fprintf(stderr, "exec: \"%s\": executable file not found in $PATH\n", command[0]);
        else
            fprintf(stderr, "exec: \"%s\": %s\n", command[0], strerror(errno));
        _exit(code);
    }
    /* A terminal's signals (script forwards them to its child, us) go to the command. */
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        signal(forwarded[i], SIG_IGN);
    int status;
    if (tty) {
        status = exec_terminal_relay(&terminal, child);
    } else {
        while (waitpid(child, &status, 0) < 0) {
            if (errno != EINTR)
                return EXIT_CGROUP;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
