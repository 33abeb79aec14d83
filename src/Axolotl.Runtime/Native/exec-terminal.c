/*
 * The terminal of an exec with a tty: see exec-terminal.h.
 */
#define _GNU_SOURCE
#include "exec-terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "launch-common.h"

/* Window sizes carried over from one read of the FIFO to the next (a line may arrive in parts). */
static char pending_sizes[64];
static size_t pending_sizes_len;

/* Applies every complete "COLUMNS ROWS" line waiting on the FIFO; a malformed one is skipped. */
static void apply_sizes(struct exec_terminal *t)
{
    if (t->sizes < 0)
        return;
    for (;;) {
        ssize_t n = read(t->sizes, pending_sizes + pending_sizes_len, sizeof pending_sizes - 1 - pending_sizes_len);
        if (n <= 0)
            return;
        pending_sizes_len += (size_t)n;
        pending_sizes[pending_sizes_len] = '\0';
        char *line = pending_sizes, *end;
        while ((end = strchr(line, '\n')) != NULL) {
            *end = '\0';
            unsigned int columns, rows;
            if (sscanf(line, "%u %u", &columns, &rows) == 2 && columns <= 0xffff && rows <= 0xffff) {
                struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)columns};
                ioctl(t->master, TIOCSWINSZ, &ws);
            }
            line = end + 1;
        }
        pending_sizes_len = strlen(line);
        memmove(pending_sizes, line, pending_sizes_len);
        if (pending_sizes_len == sizeof pending_sizes - 1)
            pending_sizes_len = 0; /* no line is this long: drop it */
    }
}

int exec_terminal_open(struct exec_terminal *t, int sizes_fd, uid_t owner, char *message, size_t size)
{
    t->sizes = sizes_fd;
    t->slave = -1;
    /* The container's /dev/ptmx: its own devpts instance (newinstance) where it has its own /dev. */
    t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    char name[64];
    if (t->master < 0 || unlockpt(t->master) != 0 || ptsname_r(t->master, name, sizeof name) != 0
        || (t->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        snprintf(message, size, "cannot create a terminal in the container: %s", strerror(errno));
        return -1;
    }
    /* As runc's console: the command's user owns its terminal (mesg, write, a shell's job control). */
    if (fchown(t->slave, owner, (gid_t)-1) != 0 && errno != EPERM) {
        snprintf(message, size, "cannot give the terminal to user %u: %s", (unsigned int)owner, strerror(errno));
        return -1;
    }
    apply_sizes(t);
    return 0;
}

int exec_terminal_take(struct exec_terminal *t)
{
    if (setsid() < 0 || ioctl(t->slave, TIOCSCTTY, 0) != 0)
        return -1;
    if (dup2(t->slave, 0) < 0 || dup2(t->slave, 1) < 0 || dup2(t->slave, 2) < 0)
        return -1;
    close(t->slave);
    close(t->master);
    if (t->sizes >= 0)
        close(t->sizes);
    return 0;
}

static int child_exited_pipe[2] = {-1, -1};

static void on_child(int sig)
{
    (void)sig;
    int saved = errno;
    if (write(child_exited_pipe[1], "x", 1) < 0) {
        /* Full: a wake-up is already waiting. */
    }
    errno = saved;
}

int exec_terminal_relay(struct exec_terminal *t, pid_t child)
{
    close(t->slave);
    t->slave = -1;
    if (pipe2(child_exited_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
        signal(SIGCHLD, on_child);
    fcntl(t->master, F_SETFL, fcntl(t->master, F_GETFL) | O_NONBLOCK);
    char input[4096], output[16384];
    size_t input_len = 0, input_off = 0;
    bool stdin_open = true, output_open = true, exited = false;
    int status = 0;
    while (!exited || output_open) {
        if (!exited) {
            pid_t r = waitpid(child, &status, WNOHANG);
            if (r == child || (r < 0 && errno == ECHILD))
                exited = true;
        }
        if (exited) {
            /* What the command wrote before it ended is still in the terminal: read it all, then stop
             * (a background process that keeps the terminal open does not keep the exec going). */
            ssize_t n;
            for (size_t drained = 0; drained < (1u << 20) && (n = read(t->master, output, sizeof output)) > 0; drained += (size_t)n)
                write_all(1, output, (size_t)n);
            break;
        }
        struct pollfd p[4];
        int count = 0, master_at = -1, stdin_at = -1, sizes_at = -1;
        if (output_open || input_len > input_off) {
            master_at = count;
            p[count++] = (struct pollfd){.fd = t->master, .events = (short)((output_open ? POLLIN : 0) | (input_len > input_off ? POLLOUT : 0))};
        }
        if (stdin_open && input_len == input_off) {
            stdin_at = count;
            p[count++] = (struct pollfd){.fd = 0, .events = POLLIN};
        }
        if (t->sizes >= 0) {
            sizes_at = count;
            p[count++] = (struct pollfd){.fd = t->sizes, .events = POLLIN};
        }
        p[count++] = (struct pollfd){.fd = child_exited_pipe[0], .events = POLLIN};
        /* The timeout only matters if the SIGCHLD pipe could not be made. */
        if (poll(p, (nfds_t)count, child_exited_pipe[0] >= 0 ? -1 : 100) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[count - 1].revents & POLLIN) {
            char drain[16];
            while (read(child_exited_pipe[0], drain, sizeof drain) > 0) {
            }
        }
        if (master_at >= 0 && (p[master_at].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(t->master, output, sizeof output);
            if (n > 0)
                write_all(1, output, (size_t)n);
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                output_open = false; /* EIO: every holder of the slave has closed it */
        }
        if (master_at >= 0 && (p[master_at].revents & POLLOUT) && input_len > input_off) {
            ssize_t n = write(t->master, input + input_off, input_len - input_off);
            if (n > 0)
                input_off += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                input_off = input_len; /* the terminal is gone: drop what is left */
        }
        if (stdin_at >= 0 && (p[stdin_at].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(0, input, sizeof input);
            if (n > 0) {
                input_len = (size_t)n;
                input_off = 0;
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                stdin_open = false; /* the client closed stdin; the command keeps its terminal */
            }
        }
        if (sizes_at >= 0 && (p[sizes_at].revents & POLLIN))
            apply_sizes(t);
        if (!output_open && !exited) {
            /* Output is over: the command only has to end now. */
            while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
            }
            exited = true;
        }
    }
    return status;
}
