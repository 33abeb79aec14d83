/*
 * A container's PID 1 from the clone to supervision (container-pid1.c): it runs the set-up steps in
 * order (container-setup.c), forks the command, takes the command's process up to its exec, and then
 * becomes the command's init (container-init.c). The launcher (axolotl-launch.c) clones it.
 */
#ifndef AXOLOTL_CONTAINER_PID1_H
#define AXOLOTL_CONTAINER_PID1_H

#include "launch-options.h"

/* In the cloned child: never returns. in_fd, out_fd and err_fd are the command's stdio, error_fd the
 * error pipe's write end; ready_fd and go_fd the --standby pipes, status_fd the --next status pipe
 * (-1: none). */
void container_init(struct options *o, int netns_fd, int in_fd, int out_fd, int err_fd, int error_fd, int ready_fd, int go_fd, int status_fd)
    __attribute__((noreturn));

#endif
