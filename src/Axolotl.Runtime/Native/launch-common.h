/*
 * What the parts of axolotl-launch share (the launcher, PID 1's set-up, cri-log.c, exec-into.c,
 * pod-pid-ns.c): exit codes, the start trace and small helpers. It uses none of the other parts.
 */
#ifndef AXOLOTL_LAUNCH_COMMON_H
#define AXOLOTL_LAUNCH_COMMON_H

#include <poll.h>
#include <stdbool.h>
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

/* Called where a process begins a long wait (the launcher's log pump, a standby, the container's init):
 * gives back the pages only its set-up used, so each of the node's many waiting processes keeps only
 * what it still needs. The stack below the caller's frame (the set-up's deep calls, dead now) and the
 * heap's free memory go back to the kernel; a later deeper call gets fresh zero pages. */
void release_unused_memory(void);

/* How long a process waits with nothing to do before it releases (well after a restart's few
 * milliseconds, so the release never takes CPU from the replacement's start). */
#define RELEASE_AFTER_MS 250

/* poll(fds, count, -1), except that while *released is false a wait of RELEASE_AFTER_MS with nothing
 * to do releases the unused memory first (and sets it). Returns what poll returned. */
int poll_releasing(struct pollfd *fds, nfds_t count, bool *released);

/* Sends fd over a Unix socket (SCM_RIGHTS); 0, or -1 with errno. */
int send_fd(int socket_fd, int fd);
/* The descriptor send_fd sent, or -1. */
int receive_fd(int socket_fd);

#endif
