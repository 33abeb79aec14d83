/*
 * PID 1 of a container once its command runs (container-init.c; docs/adr/0002-native-launcher.md).
 *
 * The launcher's PID 1 forks the command and stays as the container's init instead of executing tini:
 * one exec less on every start and restart. It does what `tini -s` did: forwards signals to the
 * command, reaps every child, and exits with the command's code (128+n for a signal).
 */
#ifndef AXOLOTL_CONTAINER_INIT_H
#define AXOLOTL_CONTAINER_INIT_H

#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>

/* Its name in the container: comm "axolotl-init", command line "axolotl-init -- argv..." (not the
 * launcher's, which names the node's paths). 0, or -1 with the reason in message. */
int init_rename(char *const *argv, char *message, size_t size);

/* After the bounding set is cut and the user changed: keeps in the effective and permitted sets only
 * what the bounding set holds, which is what an exec would have left it (root), or nothing (another
 * user). 0, or -1 with the reason in message. */
int init_limit_capabilities(char *message, size_t size);

/* With every signal blocked (since before the fork): forwards each signal but SIGCHLD, SIGTTIN and
 * SIGTTOU to app, reaps children, and exits as app exits; first it writes app's exit code as one byte
 * to status_fd (-1: none), the launcher's early word of the end. With may_release, once quiet it gives
 * back its set-up's memory (release_unused_memory); not under the container's seccomp filter, which
 * may forbid those calls (open, read, madvise, brk) and kill PID 1 for them. */
void init_supervise(pid_t app, int status_fd, bool may_release) __attribute__((noreturn));

#endif
