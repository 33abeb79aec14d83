/*
 * What the parts of axolotl-launch share (the launcher, PID 1's set-up, cri-log.c, exec-into.c,
 * pod-pid-ns.c): exit codes, the start trace and small helpers. It uses none of the other parts.
 */
#ifndef AXOLOTL_LAUNCH_COMMON_H
#define AXOLOTL_LAUNCH_COMMON_H

#include <stddef.h>

#define EXIT_CGROUP 125  /* cannot join cgroups or namespaces, cannot clone */
#define EXIT_SETUP 126   /* mounts, working directory, hostname */
#define EXIT_NOEXEC 127  /* the executable cannot be run */

#define MAX_GROUPS 64

/* Writes all of data, retrying on EINTR; gives up quietly on an error (a full disk must not stop
 * the launcher from draining the pipes). */
void write_all(int fd, const char *data, size_t len);

/* A bad command line: says so on stderr and exits with EXIT_CGROUP. */
void usage_error(const char *message) __attribute__((noreturn));

/* --seccomp-flags N. */
unsigned int parse_seccomp_flags(const char *text);

/* --trace FILE: "<label> <realtime seconds.micros> <log path>" lines at the steps of a start, appended
 * to FILE (opened before the clone, so PID 1 writes there after its pivot too; closed by the command's
 * exec and by PID 1 once it supervises). Off by default: the agent passes it only when
 * AXOLOTL_RESTART_TRACE names a file. */
void trace_open(const char *path);
/* The log path each line names (the container's --log). */
void trace_set_log(const char *log);
/* Copies the log path away from the command line, which renaming PID 1 may overwrite in place. */
void trace_keep_log(void);
/* One line, when a trace file is open. */
void trace(const char *label);

/* Sends fd over a Unix socket (SCM_RIGHTS); 0, or -1 with errno. */
int send_fd(int socket_fd, int fd);
/* The descriptor send_fd sent, or -1. */
int receive_fd(int socket_fd);

#endif
