/*
 * The launcher's attach socket (pods/attach): a Unix socket on which the agent connects to the
 * container's own stdin and output, as conmon's attach socket does for CRI-O.
 *
 * Frames both ways are "<type:1><length:2, big-endian><payload>".
 *   agent → launcher: 0 stdin data, 1 end of this client's stdin, 2 "this client attaches stdin"
 *                     (sent first), 4 terminal size (width, height: 2 bytes each, big-endian).
 *   launcher → agent: 1 stdout, 2 stderr (a terminal's output is all stdout).
 * The launcher closes every client once the container's output has ended (it exited).
 *
 * Output is never held back by a client: each one gets a bounded buffer, and a client that falls
 * that far behind is disconnected (the log, written first, has everything). Stdin the container
 * does not read is buffered up to a bound, after which clients are not read until it drains.
 *
 * When a client that attached stdin ends it (frame 1) or goes away: with stdinOnce and no terminal
 * the container's stdin is closed (it reads EOF); otherwise that client's session ends and stdin
 * stays open for the next one (containerd's rule for CRI attach).
 */
#ifndef AXOLOTL_ATTACH_H
#define AXOLOTL_ATTACH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define ATTACH_MAX_CLIENTS 8
#define ATTACH_FRAME_MAX 65535
#define ATTACH_POLL_FDS (ATTACH_MAX_CLIENTS + 2)
#define ATTACH_IN_BUFFER (ATTACH_FRAME_MAX + 3) /* one whole frame */

struct attach_client {
    int fd;                 /* -1: free slot */
    bool stdin;             /* it attached stdin */
    unsigned char *in;      /* ATTACH_IN_BUFFER bytes while connected: a sleeping container's launcher keeps none */
    size_t in_len;
    unsigned char *out;     /* frames not yet sent */
    size_t out_len;
};

struct attach {
    int listen_fd;          /* -1 without an attach socket */
    const char *path;
    int stdin_fd;           /* the write end of the container's stdin pipe, or the terminal's master; -1 when closed */
    bool tty;
    bool stdin_once;
    bool stdin_closing;     /* stdinOnce ended it: closed once the pending bytes are read */
    unsigned char *pending; /* stdin the container has not read yet */
    size_t pending_len;
    struct attach_client clients[ATTACH_MAX_CLIENTS];
    int poll_map[ATTACH_POLL_FDS]; /* what each polled descriptor is: -1 listen, -2 stdin, else a client index */
};

/* Listens on path (mode 0600). Returns 0, or -1 with errno. stdin_fd may be -1 (no stdin). */
int attach_open(struct attach *a, const char *path, int stdin_fd, bool tty, bool stdin_once);

/* Adds the descriptors to watch to fds (at most ATTACH_POLL_FDS); returns how many. */
int attach_poll_fds(struct attach *a, struct pollfd *fds);

/* Handles what poll reported for the descriptors attach_poll_fds added. */
void attach_handle(struct attach *a, const struct pollfd *fds, int count);

/* Sends the container's output (stream 1 stdout, 2 stderr) to every client. */
void attach_output(struct attach *a, int stream, const char *data, size_t len);

/* The container's output has ended: sends what is buffered (without waiting), closes the clients, the socket and stdin. */
void attach_close(struct attach *a);

#endif
