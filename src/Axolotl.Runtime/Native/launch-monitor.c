/*
 * The launcher as the container's monitor: see launch-monitor.h.
 */
#define _GNU_SOURCE
#include "launch-monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch-common.h"

/* Writes text to path through a temporary file and a rename, so a reader never sees half of it. */
static void write_file_atomically(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    write_all(fd, text, strlen(text));
    close(fd);
    rename(tmp, path);
}

void record_exit(const char *exit_file, int code)
{
    char text[16];
    snprintf(text, sizeof text, "%d\n", code);
    write_file_atomically(exit_file, text);
}

void launch_failed(const struct options *o, int code, const char *message)
{
    char err_path[PATH_MAX];
    char text[1024];
    snprintf(text, sizeof text, "%s\n", message);
    if (snprintf(err_path, sizeof err_path, "%s.err", o->exit_file) < (int)sizeof err_path)
        write_file_atomically(err_path, text);
    record_exit(o->exit_file, code);
    _exit(code);
}

int open_fifo(const char *path, int mode)
{
    int fd = open(path, mode | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* --next: one byte lets the armed standby go. False without one: no FIFO (the agent disarmed it) or no
 * reader (no armed standby, or its PID 1 is gone). */
static bool go_next(const char *fifo)
{
    int fd = open_fifo(fifo, O_WRONLY);
    if (fd < 0)
        return false;
    char byte = 'g';
    bool sent = write(fd, &byte, 1) == 1;
    close(fd);
    return sent;
}

/* The memory cgroup's OOM kill count ("oom_kill N" in memory.events, or memory.oom_control on cgroup v1),
 * read before the next attempt joins the same cgroups; -1 when no --cgroup-procs directory has it. */
static long read_oom_kills(const struct options *o)
{
    static const char *const files[] = {"memory.events", "memory.oom_control"};
    for (int i = 0; i < o->cgroups; i++) {
        for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
            char path[PATH_MAX];
            const char *slash = strrchr(o->cgroup_procs[i], '/');
            if (slash == NULL || snprintf(path, sizeof path, "%.*s/%s", (int)(slash - o->cgroup_procs[i]), o->cgroup_procs[i], files[f]) >= (int)sizeof path)
                continue;
            FILE *file = fopen(path, "re");
            if (file == NULL)
                continue;
            char line[128];
            long count = -1;
            while (count < 0 && fgets(line, sizeof line, file) != NULL)
                if (strncmp(line, "oom_kill ", 9) == 0)
                    count = strtol(line + 9, NULL, 10);
            fclose(file);
            if (count >= 0)
                return count;
        }
    }
    return -1;
}

void go_next_on(struct early_go *early, int code)
{
    if (early->o->next_fifo == NULL || (code == 0 && !early->o->next_on_success))
        return;
    early->oom_kills = read_oom_kills(early->o);
    trace("launcher-oom-read");
    early->sent = go_next(early->o->next_fifo);
    trace(early->sent ? "launcher-next-sent" : "launcher-next-none");
}

void heard_exit(int code, void *context)
{
    trace("launcher-exit-heard");
    go_next_on(context, code);
}

void open_container_log(struct options *o, struct log *log)
{
    log->path = o->log;
    log->max = o->log_max;
    snprintf(log->rotated, sizeof log->rotated, "%s.1", o->log);
    log->fd = open_log(o->log);
    if (log->fd < 0) {
        char message[PATH_MAX + 64];
        snprintf(message, sizeof message, "cannot open the log %s: %s", o->log, strerror(errno));
        launch_failed(o, EXIT_CGROUP, message);
    }
    struct stat st;
    log->size = fstat(log->fd, &st) == 0 ? (long)st.st_size : 0;
}

/*
 * --standby: PID 1 has set everything up and waits before joining its cgroups. Say "standby" to the
 * agent, wait for its "go" line on stdin, open the log and let PID 1 go on; from there on the launch
 * is an ordinary one (true). Anything else on stdin, or its end (the agent discards the standby or is gone),
 * ends PID 1 and this launcher without an exit file: the container never ran. A PID 1 that failed
 * while setting up reports through the error pipe as usual (false: the caller reads it).
 */
bool stand_by(struct options *o, struct log *log, pid_t child, const int ready_pipe[2], const int go_pipe[2], int error_fd, bool armed)
{
    close(ready_pipe[1]);
    close(go_pipe[0]);
    char byte;
    ssize_t n;
    /* A standby may wait minutes: what its set-up used goes back meanwhile. */
    bool released = false;
    struct pollfd ready_wait = {.fd = ready_pipe[0], .events = POLLIN};
    while (poll_releasing(&ready_wait, 1, &released) < 0 && errno == EINTR) {
    }
    while ((n = read(ready_pipe[0], &byte, 1)) < 0 && errno == EINTR) {
    }
    close(ready_pipe[0]);
    if (n != 1) {
        close(go_pipe[1]);
        return false;
    }
    trace("standby-ready");
    write_all(1, "standby\n", 8);
    if (armed) {
        /* An armed standby may go on the previous attempt's byte instead: the error pipe then closes
         * once the command is exec'd and PID 1 supervises it (a failure after going writes its report
         * there). The agent's stdin still wins, so that its
         * end discards the standby whatever else happened. */
        struct pollfd waits[2] = {{.fd = 0, .events = POLLIN}, {.fd = error_fd, .events = POLLIN}};
        while (poll_releasing(waits, 2, &released) < 0 && errno == EINTR) {
        }
        if (waits[0].revents == 0 && waits[1].revents != 0) {
            trace("standby-went");
            close(go_pipe[1]);
            open_container_log(o, log);
            return true;
        }
    }
    char line[8];
    size_t got = 0;
    struct pollfd go_wait = {.fd = 0, .events = POLLIN};
    while (poll_releasing(&go_wait, 1, &released) < 0 && errno == EINTR) {
    }
    while (got < sizeof line - 1) {
        n = read(0, line + got, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != 1 || line[got] == '\n')
            break;
        got++;
    }
    line[got] = '\0';
    if (n != 1 || strcmp(line, "go") != 0) {
        kill(child, SIGKILL);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    trace("standby-go-read");
    /* PID 1 first, the log after: its output waits in the pipe meanwhile, and the restart does not
     * wait for a file's creation (should the log fail to open, PID 1 dies with this launcher). */
    byte = 'g';
    if (write(go_pipe[1], &byte, 1) != 1) {
        /* PID 1 is gone: its report (if any) is in the error pipe. */
    }
    close(go_pipe[1]);
    open_container_log(o, log);
    return true;
}
