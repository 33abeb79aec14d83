/*
 * What the parts of axolotl-launch share (axolotl-launch.c, cri-log.c, exec-into.c): exit codes and
 * small helpers.
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

#endif
