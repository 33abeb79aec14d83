/*
 * The set-up steps of a container's PID 1 before it forks the command (container-setup.c): the
 * cgroups, the mounts or the image's root, the executable's check and the terminal, each reporting a
 * failure to the launcher through the error pipe. container-pid1.c runs them in order.
 */
#ifndef AXOLOTL_CONTAINER_SETUP_H
#define AXOLOTL_CONTAINER_SETUP_H

#include <stddef.h>
#include <sys/types.h>

#include "launch-options.h"

/* Reports a setup failure to the launcher through the error pipe ("<code> <message>") and exits,
 * taking the command along once it is forked (init_forked). */
void init_failed(int error_fd, int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));

/* The command's pid, in PID 1 once forked: a failure of PID 1 after the fork takes the command along. */
void init_forked(pid_t app);

/* An errno as Go spells it (runc's messages): glibc's text with a lower-case first letter. */
void go_strerror(int error, char *out, size_t size);

/* The PATH the command's executable is looked up in: the container's (--env-file), else the launcher's. */
const char *command_path(const struct options *o);

/* What Go's exec.LookPath (used by runc) reports when argv[0] cannot be run (an exit code, with the
 * message), or 0 when it can. */
int check_executable(const char *argv0, const char *path, char *message, size_t size);

/* --standby: hold the pod's cgroup directories now, join "<container>/cgroup.procs" below them on go. */
void hold_cgroup_parents(struct options *o, int error_fd);
void join_held_cgroups(const struct options *o, int error_fd);
/* Without --standby: join the container's cgroups at once. */
void join_cgroups(const struct options *o, int error_fd);

/* On the node's root: private mounts, /proc, /etc/hosts and resolv.conf, a private /tmp, the volumes,
 * then the working directory. */
void set_up_mounts(struct options *o, int error_fd);

/* With --rootfs: the container's own root (rootfs.c), volumes inside it, then its working directory. */
void set_up_rootfs(struct options *o, int error_fd);

/* A --tty container with an image root, its mounts done: a terminal in the container's own devpts,
 * owned by the command's user, its master side sent to the launcher. Returns the slave. */
int open_console(struct options *o, int error_fd);

#endif
