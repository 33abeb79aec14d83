/*
 * PID 1 of a container, from the clone to supervising the command: see container-pid1.h.
 */
#define _GNU_SOURCE
#include "container-pid1.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container-env.h"
#include "container-init.h"
#include "container-setup.h"
#include "launch-common.h"
#include "seccomp.h"
#include "security.h"

/* --user: supplementary groups (or none), group, user; the last step before exec, after every mount. */
static void drop_privileges(const struct options *o, int error_fd)
{
    if (setgroups((size_t)o->group_count, o->groups) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set supplementary groups: %s", strerror(errno));
    if (setgid(o->gid) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set group %u: %s", (unsigned int)o->gid, strerror(errno));
    if (setuid(o->uid) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set user %u: %s", (unsigned int)o->uid, strerror(errno));
    /* A change of user clears the parent-death signal: set it again, and look whether the launcher
     * went in between. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct pollfd lifeline = {.fd = error_fd, .events = 0};
    if (poll(&lifeline, 1, 0) == 1 && (lifeline.revents & POLLERR) != 0)
        _exit(EXIT_CGROUP);
}

static void reset_signals(void)
{
    /* Ignored dispositions survive exec: give the container the defaults back. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* --standby, in the command's process: everything is set up; say so, then wait for the launcher's go
 * (its end closing: give up) or, armed, the previous attempt's byte; then join the container's cgroups. */
static void wait_for_go(struct options *o, int ready_fd, int go_fd, int error_fd)
{
    char byte = 'r';
    if (write(ready_fd, &byte, 1) != 1)
        _exit(EXIT_CGROUP);
    close(ready_fd);
    /* --ready-to: the cold start launched after this standby may be holding its command for it. Kept open
     * until the go, so the byte stays for a reader that opens later; a full FIFO already says ready. The
     * trace point comes first: the woken command may run before this one gets back. */
    if (o->ready_fd >= 0) {
        trace("command-ready-told");
        if (write(o->ready_fd, &byte, 1) != 1) {
            /* Full: a byte is there already. */
        }
    }
    struct pollfd waits[2] = {{.fd = go_fd, .events = POLLIN}, {.fd = o->armed_fd, .events = POLLIN}};
    bool released = false; /* PID 1's set-up, inherited by the fork: given back while it waits */
    for (;;) {
        if (poll_releasing(waits, o->armed_fd >= 0 ? 2 : 1, &released) < 0) {
            if (errno == EINTR)
                continue;
            _exit(EXIT_CGROUP);
        }
        if (waits[0].revents != 0) {
            ssize_t n;
            while ((n = read(go_fd, &byte, 1)) < 0 && errno == EINTR) {
            }
            if (n != 1)
                _exit(EXIT_CGROUP);
            break;
        }
        if (o->armed_fd >= 0 && waits[1].revents != 0) {
            ssize_t n = read(o->armed_fd, &byte, 1);
            if (n == 1) {
                trace("command-armed-go");
                break;
            }
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            /* A writer came and went without a byte: the FIFO only says POLLHUP from now on. */
            close(o->armed_fd);
            o->armed_fd = -1;
        }
    }
    trace("command-go");
    close(go_fd);
    if (o->armed_fd >= 0)
        close(o->armed_fd);
    if (o->ready_fd >= 0)
        close(o->ready_fd);
    join_held_cgroups(o, error_fd);
    trace("command-cgroups-joined");
}

/* --wait-standby, in a cold start's command once PID 1 is ready: its next attempt's standby, launched just
 * before it, says it is ready (one byte), or fails (its end closes), or wait_ms pass. A container that
 * crashes at once then finds its restart prepared instead of waiting for the standby's set-up; the start
 * waits only for what the standby's set-up has left when the container's own is done. */
static void wait_for_standby(struct options *o)
{
    if (o->wait_fd < 0)
        return;
    trace("command-standby-wait");
    struct timespec now, until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += o->wait_ms / 1000;
    until.tv_nsec += (long)(o->wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    struct pollfd wait = {.fd = o->wait_fd, .events = POLLIN};
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = (until.tv_sec - now.tv_sec) * 1000L + (until.tv_nsec - now.tv_nsec) / 1000000L;
        if (left <= 0 || poll(&wait, 1, (int)left) != -1 || errno != EINTR)
            break;
    }
    close(o->wait_fd);
    o->wait_fd = -1;
    trace("command-standby-waited");
}

/* The steps of runc's init after the root is ready, in its order, for the command and for PID 1 alike:
 * the container's nice value, no_new_privs, the seccomp filter (early: while CAP_SYS_ADMIN is held),
 * the capability bounding set, the user. */
static void apply_process_security(struct options *o, int error_fd, char *message, size_t size)
{
    /* The launcher (and PID 1 up to here) may run at a better nice value than the container, so that a
     * busy node does not delay a restart's steps; the container gets its own back before anything of it
     * runs (raising one's nice value is always allowed, and no filter is loaded yet). */
    if (o->has_nice && setpriority(PRIO_PROCESS, 0, o->nice) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set the nice value %d: %s", o->nice, strerror(errno));
    /* runc's order: no_new_privs first when asked, so that the filter is then loaded as late as
     * possible; without it, the filter goes on now, while CAP_SYS_ADMIN is still held. */
    if (o->security.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set no_new_privs: %s", strerror(errno));
    if (seccomp_load_early(&o->seccomp, message, size) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    /* The bounding set is the agent's (--sec caps=HEX, containerd's default set for an image root
     * without a securityContext): the launcher holds no list of its own. */
    if (apply_security(&o->security, message, size) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    if (o->has_user)
        drop_privileges(o, error_fd);
}

/* The command's process: its security, its stdio, then exec. */
static void exec_command(struct options *o, int in_fd, int out_fd, int err_fd, int error_fd)
{
    char message[PATH_MAX + 128];
    apply_process_security(o, error_fd, message, sizeof message);
    /* With a terminal, the command leads the foreground process group, as tini's child did (the
     * signals still blocked here keep SIGTTOU away). */
    if (o->tty && (setpgid(0, 0) != 0 || tcsetpgrp(in_fd, getpid()) != 0))
        init_failed(error_fd, EXIT_SETUP, "cannot give the command the terminal: %s", strerror(errno));
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set up stdio: %s", strerror(errno));
    reset_signals();
    /* With no_new_privs: as late as possible, so the fewest of our calls run under the filter. */
    if (seccomp_load_late(&o->seccomp, message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    trace("command-exec");
    /* The container's environment becomes the command's here, at its exec, and nowhere before: execvp
     * looks the executable up in its PATH. */
    char **env = o->env != NULL ? o->env : environ;
    /* containerd's WithTTY: a terminal container gets TERM=xterm unless its spec says otherwise. */
    if (o->tty)
        env = container_env_set(env, "TERM", "xterm", false);
    /* runc: HOME from the user's passwd entry in the container's root, unless the spec sets it. */
    environ = container_env_default_home(env, getuid());
    execvp(o->argv[0], o->argv);
    char reason[128];
    go_strerror(errno, reason, sizeof reason);
    init_failed(error_fd, errno == ENOENT ? EXIT_NOEXEC : EXIT_SETUP, "exec: \"%s\": %s", o->argv[0], reason);
}

/* Closes every descriptor from 3 on but the count in keep (-1: none). */
static void close_all_but(int *keep, int count)
{
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
            int swap = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = swap;
        }
    int from = 3;
    for (int i = 0; i < count; i++) {
        if (keep[i] < from)
            continue; /* none, or the same one twice */
        if (keep[i] > from)
            close_range((unsigned int)from, (unsigned int)keep[i] - 1, 0);
        from = keep[i] + 1;
    }
    close_range((unsigned int)from, ~0U, 0);
}

/*
 * PID 1 once the command is forked: it takes the same security, keeps the container's stdio and
 * nothing else of the launcher's, and supervises the command. Its steps are never on a restart's path
 * and it is supervising before the command can end:
 *   - a cold start (sync_fd: PID 1's end of "init ready"): the command waits for this byte before its
 *     own steps, so PID 1 is set up before the command runs (as tini was, without tini's exec);
 *   - a standby (sync_fd: the read end the command's exec closes): PID 1 joins the cgroups and drops
 *     its privileges only once the command runs, off the path from go to exec.
 * Either way one of the two reports a failure, never both.
 */
static void __attribute__((noreturn)) become_init(struct options *o, pid_t app, int sync_fd, int status_fd, int in_fd, int out_fd, int err_fd, int error_fd)
{
    char message[PATH_MAX + 128];
    if (o->standby) {
        char byte;
        bool released = false;
        struct pollfd go = {.fd = sync_fd, .events = POLLIN};
        while (poll_releasing(&go, 1, &released) < 0 && errno == EINTR) {
        }
        while (read(sync_fd, &byte, 1) < 0 && errno == EINTR) {
        }
        close(sync_fd);
        sync_fd = -1;
        int status;
        if (waitpid(app, &status, WNOHANG) == app) {
            /* Ended before or right after its exec: a failure's report is in the error pipe already. */
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
    init_forked(app);
    trace("init-setup");
    if (o->standby)
        join_held_cgroups(o, error_fd);
    /* Renaming may overwrite the launcher's arguments in place, where the trace's log path lives. */
    trace_keep_log();
    if (init_rename(o->argv, message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    apply_process_security(o, error_fd, message, sizeof message);
    if (init_limit_capabilities(message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    /* Not dumpable: nothing in the container can trace PID 1 or read its descriptors and memory
     * (the node's launcher binary is mapped in it). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set up stdio: %s", strerror(errno));
    trace("init-supervising");
    /* Without an exec nothing is closed on exec: close the launcher's descriptors (the log, the
     * namespace and cgroup handles, the trace), all but the error pipe, "init ready" and the status pipe. */
    int keep[] = {error_fd, sync_fd, status_fd};
    close_all_but(keep, 3);
    if (seccomp_load_late(&o->seccomp, message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    if (sync_fd >= 0) {
        char ready = 'r';
        if (write(sync_fd, &ready, 1) != 1) {
            /* The command is gone: SIGCHLD says so below. */
        }
        close(sync_fd);
    }
    close(error_fd);
    init_supervise(app, status_fd, o->seccomp.length == 0);
}

void container_init(struct options *o, int netns_fd, int in_fd, int out_fd, int err_fd, int error_fd, int ready_fd, int go_fd, int status_fd)
{
    trace("pid1-start");
    /* Die with the launcher; if it is already gone, the error pipe has no reader. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct pollfd lifeline = {.fd = error_fd, .events = 0};
    if (poll(&lifeline, 1, 0) == 1 && (lifeline.revents & POLLERR) != 0)
        _exit(EXIT_CGROUP);

    if (o->standby)
        hold_cgroup_parents(o, error_fd);
    else
        join_cgroups(o, error_fd);
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0)
        init_failed(error_fd, EXIT_CGROUP, "cannot enter network namespace %s: %s", o->netns, strerror(errno));
    trace("pid1-netns-joined");
    char security_error[640];
    if (apply_sysctls(&o->security, security_error, sizeof security_error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", security_error);
    o->root.read_only = o->security.read_only_root;
    o->root.privileged = o->security.privileged;
    if (o->root.mountpoint != NULL)
        set_up_rootfs(o, error_fd);
    else
        set_up_mounts(o, error_fd);
    trace("pid1-mounts-ready");
    if (o->hostname != NULL && !o->security.host_uts && sethostname(o->hostname, strlen(o->hostname)) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set hostname %s: %s", o->hostname, strerror(errno));

    char message[PATH_MAX + 128];
    int code = check_executable(o->argv[0], command_path(o), message, sizeof message);
    if (code != 0)
        init_failed(error_fd, code, "%s", message);
    if (o->console_fd >= 0) {
        in_fd = out_fd = err_fd = open_console(o, error_fd);
    }
    /* A terminal becomes the controlling terminal of PID 1's session; the command then takes its
     * foreground. in_fd is its slave side then, as are out_fd and err_fd. */
    if (o->tty && (setsid() < 0 || ioctl(in_fd, TIOCSCTTY, 0) != 0))
        init_failed(error_fd, EXIT_SETUP, "cannot set up the terminal: %s", strerror(errno));
    /* In a joined pid namespace or the node's (hostPID) this is not PID 1: orphans of the command come here all the same. */
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot become a subreaper: %s", strerror(errno));
    /* Every signal waits from here until the command's exec unblocks its own; PID 1 takes its own
     * with sigwaitinfo. Defaults first: an ignored SIGCHLD would reap children before PID 1 saw them. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* Cold: PID 1 -> command, "init ready". Standby: command -> PID 1, closed by the command's exec. */
    int sync_pipe[2];
    if (pipe2(sync_pipe, O_CLOEXEC) != 0)
        init_failed(error_fd, EXIT_CGROUP, "cannot create a pipe: %s", strerror(errno));
    pid_t app = fork();
    if (app < 0)
        init_failed(error_fd, EXIT_CGROUP, "cannot fork the command: %s", strerror(errno));
    if (app == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (o->standby) {
            close(sync_pipe[0]);
            wait_for_go(o, ready_fd, go_fd, error_fd);
        } else {
            close(sync_pipe[1]);
            char byte;
            ssize_t n;
            while ((n = read(sync_pipe[0], &byte, 1)) < 0 && errno == EINTR) {
            }
            if (n != 1)
                _exit(EXIT_CGROUP); /* PID 1 failed (and said why) or is gone */
            close(sync_pipe[0]);
            wait_for_standby(o);
        }
        exec_command(o, in_fd, out_fd, err_fd, error_fd);
    }
    if (o->standby) {
        close(sync_pipe[1]);
        close(ready_fd);
        close(go_fd);
        if (o->armed_fd >= 0)
            close(o->armed_fd);
        if (o->ready_fd >= 0)
            close(o->ready_fd);
    } else {
        close(sync_pipe[0]);
        if (o->wait_fd >= 0)
            close(o->wait_fd);
    }
    become_init(o, app, o->standby ? sync_pipe[0] : sync_pipe[1], status_fd, in_fd, out_fd, err_fd, error_fd);
}
