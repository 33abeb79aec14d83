/* The launcher's attach socket: see attach.h for the protocol and the rules. */
#define _GNU_SOURCE
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define CLIENT_BUFFER (1024 * 1024) /* output a client may fall behind by before it is cut off */
#define STDIN_BUFFER (256 * 1024)   /* stdin the container may leave unread before clients wait */

enum { FRAME_STDIN = 0, FRAME_STDIN_END = 1, FRAME_HELLO_STDIN = 2, FRAME_RESIZE = 4 };

int attach_open(struct attach *a, const char *path, int stdin_fd, bool tty, bool stdin_once)
{
    /* Field by field, not memset: the clients' buffers are allocated on connect, so the struct is small and
     * every page of it the launcher never writes stays out of its memory. */
    a->listen_fd = -1;
    a->path = path;
    a->stdin_fd = stdin_fd;
    a->tty = tty;
    a->stdin_once = stdin_once;
    a->stdin_closing = false;
    a->pending = NULL;
    a->pending_len = 0;
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
        a->clients[i] = (struct attach_client){.fd = -1};
    if (stdin_fd >= 0 && fcntl(stdin_fd, F_SETFL, fcntl(stdin_fd, F_GETFL) | O_NONBLOCK) != 0)
        return -1;
    if (path == NULL)
        return 0;
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    unlink(path); /* a socket left by a launcher that was killed */
    /* Only the agent's user may connect: the socket is made 0600 before anyone can see it listen. */
    mode_t old = umask(0177);
    int bound = bind(fd, (struct sockaddr *)&address, sizeof address);
    umask(old);
    if (bound != 0 || listen(fd, ATTACH_MAX_CLIENTS) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    a->listen_fd = fd;
    return 0;
}

static void drop_client(struct attach *a, struct attach_client *c);
static void flush_stdin(struct attach *a);

/* The container's stdin is closed for good (stdinOnce): it reads EOF once it has read what was sent. */
static void close_stdin(struct attach *a)
{
    if (a->tty)
        return;
    if (a->pending_len > 0 && a->stdin_fd >= 0) {
        a->stdin_closing = true; /* flush_stdin closes it once drained */
        return;
    }
    if (a->stdin_fd >= 0)
        close(a->stdin_fd);
    a->stdin_fd = -1;
    a->stdin_closing = false;
    free(a->pending);
    a->pending = NULL;
    a->pending_len = 0;
}

/* A client that attached stdin ended it: containerd's rule (attach.h). */
static void stdin_ended(struct attach *a, struct attach_client *c)
{
    c->stdin = false;
    if (a->stdin_once && !a->tty)
        close_stdin(a);
    else
        drop_client(a, c);
}

static void drop_client(struct attach *a, struct attach_client *c)
{
    if (c->fd < 0)
        return;
    close(c->fd);
    c->fd = -1;
    free(c->out);
    c->out = NULL;
    c->out_len = 0;
    free(c->in);
    c->in = NULL;
    c->in_len = 0;
    if (c->stdin)
        stdin_ended(a, c);
}

static void flush_stdin(struct attach *a)
{
    while (a->pending_len > 0 && a->stdin_fd >= 0) {
        ssize_t n = write(a->stdin_fd, a->pending, a->pending_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            /* The container closed its stdin: nothing more can go there. */
            a->pending_len = 0;
            break;
        }
        memmove(a->pending, a->pending + n, a->pending_len - (size_t)n);
        a->pending_len -= (size_t)n;
    }
    if (a->stdin_closing)
        close_stdin(a);
}

static void to_stdin(struct attach *a, const unsigned char *data, size_t len)
{
    if (a->stdin_fd < 0 || a->stdin_closing || len == 0)
        return;
    if (a->pending == NULL && (a->pending = malloc(STDIN_BUFFER)) == NULL)
        return;
    /* Clients are not read while the buffer is full (attach_poll_fds), so this always fits. */
    if (len > STDIN_BUFFER - a->pending_len)
        len = STDIN_BUFFER - a->pending_len;
    memcpy(a->pending + a->pending_len, data, len);
    a->pending_len += len;
    flush_stdin(a);
}

static void resize(struct attach *a, const unsigned char *payload, size_t len)
{
    if (!a->tty || a->stdin_fd < 0 || len != 4)
        return;
    struct winsize size = {
        .ws_col = (unsigned short)((payload[0] << 8) | payload[1]),
        .ws_row = (unsigned short)((payload[2] << 8) | payload[3]),
    };
    /* The kernel sends SIGWINCH to the terminal's foreground process group. */
    ioctl(a->stdin_fd, TIOCSWINSZ, &size);
}

/* Handles the complete frames in the client's input buffer. */
static void client_frames(struct attach *a, struct attach_client *c)
{
    size_t used = 0;
    while (c->fd >= 0 && c->in_len - used >= 3) {
        unsigned char *frame = c->in + used;
        size_t len = ((size_t)frame[1] << 8) | frame[2];
        if (c->in_len - used < 3 + len)
            break;
        switch (frame[0]) {
        case FRAME_STDIN:
            if (c->stdin)
                to_stdin(a, frame + 3, len);
            break;
        case FRAME_STDIN_END:
            if (c->stdin)
                stdin_ended(a, c);
            break;
        case FRAME_HELLO_STDIN: c->stdin = true; break;
        case FRAME_RESIZE: resize(a, frame + 3, len); break;
        default: drop_client(a, c); return; /* not our protocol */
        }
        used += 3 + len;
    }
    if (c->fd >= 0 && used > 0) {
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
}

static void client_readable(struct attach *a, struct attach_client *c)
{
    ssize_t n = read(c->fd, c->in + c->in_len, ATTACH_IN_BUFFER - c->in_len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        drop_client(a, c);
        return;
    }
    c->in_len += (size_t)n;
    client_frames(a, c);
}

static void client_flush(struct attach *a, struct attach_client *c)
{
    while (c->fd >= 0 && c->out_len > 0) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            drop_client(a, c);
            return;
        }
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
}

static void accept_client(struct attach *a)
{
    int fd = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    /* The socket file is 0600, but a peer of another user (a socket passed on) is still refused. */
    struct ucred peer;
    socklen_t peer_len = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 || peer.uid != geteuid()) {
        close(fd);
        return;
    }
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
        struct attach_client *c = &a->clients[i];
        if (c->fd >= 0)
            continue;
        c->out = malloc(CLIENT_BUFFER);
        c->in = malloc(ATTACH_IN_BUFFER);
        if (c->out == NULL || c->in == NULL) {
            free(c->out);
            free(c->in);
            c->out = NULL;
            c->in = NULL;
            break;
        }
        c->fd = fd;
        c->stdin = false;
        c->in_len = 0;
        c->out_len = 0;
        return;
    }
    close(fd); /* too many at once */
}

int attach_poll_fds(struct attach *a, struct pollfd *fds)
{
    int count = 0;
    if (a->listen_fd >= 0) {
        fds[count] = (struct pollfd){.fd = a->listen_fd, .events = POLLIN};
        a->poll_map[count++] = -1;
    }
    if (a->stdin_fd >= 0 && a->pending_len > 0) {
        fds[count] = (struct pollfd){.fd = a->stdin_fd, .events = POLLOUT};
        a->poll_map[count++] = -2;
    }
    bool stdin_full = a->pending_len >= STDIN_BUFFER / 2;
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
        struct attach_client *c = &a->clients[i];
        if (c->fd < 0)
            continue;
        short events = (short)((stdin_full ? 0 : POLLIN) | (c->out_len > 0 ? POLLOUT : 0));
        fds[count] = (struct pollfd){.fd = c->fd, .events = events};
        a->poll_map[count++] = i;
    }
    return count;
}

void attach_handle(struct attach *a, const struct pollfd *fds, int count)
{
    for (int i = 0; i < count; i++) {
        if (fds[i].revents == 0)
            continue;
        int what = a->poll_map[i];
        if (what == -1) {
            accept_client(a);
        } else if (what == -2) {
            if ((fds[i].revents & (POLLERR | POLLHUP)) != 0 && !a->tty) {
                a->pending_len = 0; /* nobody reads the container's stdin any more */
                close_stdin(a);
            } else
                flush_stdin(a);
        } else {
            struct attach_client *c = &a->clients[what];
            if ((fds[i].revents & POLLOUT) != 0)
                client_flush(a, c);
            if (c->fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0)
                client_readable(a, c);
        }
    }
}

void attach_output(struct attach *a, int stream, const char *data, size_t len)
{
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
        struct attach_client *c = &a->clients[i];
        if (c->fd < 0)
            continue;
        size_t frames = (len + ATTACH_FRAME_MAX - 1) / ATTACH_FRAME_MAX;
        if (c->out_len + len + 3 * frames > CLIENT_BUFFER) {
            drop_client(a, c); /* too far behind: the log has it all */
            continue;
        }
        for (size_t done = 0; done < len;) {
            size_t take = len - done < ATTACH_FRAME_MAX ? len - done : ATTACH_FRAME_MAX;
            unsigned char *p = c->out + c->out_len;
            p[0] = (unsigned char)stream;
            p[1] = (unsigned char)(take >> 8);
            p[2] = (unsigned char)(take & 0xff);
            memcpy(p + 3, data + done, take);
            c->out_len += 3 + take;
            done += take;
        }
        client_flush(a, c);
    }
}

void attach_close(struct attach *a)
{
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
        struct attach_client *c = &a->clients[i];
        if (c->fd < 0)
            continue;
        client_flush(a, c);
        c->stdin = false; /* the container is gone: no stdin rule to apply */
        drop_client(a, c);
    }
    if (a->listen_fd >= 0) {
        close(a->listen_fd);
        unlink(a->path);
        a->listen_fd = -1;
    }
    if (a->stdin_fd >= 0 && !a->tty)
        close(a->stdin_fd);
    a->stdin_fd = -1;
    free(a->pending);
    a->pending = NULL;
    a->pending_len = 0;
}
