/*
 * The terminal of an exec with a tty (exec-terminal.c): a pseudo-terminal made in the container's
 * own devpts (the caller has entered its mount namespace), so that inside it `tty` names
 * /dev/pts/N and the node's terminals stay out of sight, as runc's console does.
 */
#ifndef AXOLOTL_EXEC_TERMINAL_H
#define AXOLOTL_EXEC_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct exec_terminal {
    int master;
    int slave;
    int sizes; /* the agent's FIFO of window sizes ("COLUMNS ROWS\n" lines), or -1 */
};

/* Opens the pair in the current mount namespace's /dev/ptmx, the slave owned by owner, and applies
 * the sizes already waiting on sizes_fd. 0, or -1 with the reason in message. */
int exec_terminal_open(struct exec_terminal *t, int sizes_fd, uid_t owner, char *message, size_t size);

/* In the command's process: a new session with the slave as its controlling terminal and stdio. */
int exec_terminal_take(struct exec_terminal *t);

/* In this process: copies stdin to the terminal and the terminal to stdout, applies window sizes,
 * until the command (child) has exited and its output is read. Returns its wait status. */
int exec_terminal_relay(struct exec_terminal *t, pid_t child);

#endif
