/*
 * Helpers the parts of axolotl-launch share: see launch-common.h.
 */
#define _GNU_SOURCE
#include "launch-common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; /* a full disk must not stop the launcher from draining the pipes */
        }
        data += n;
        len -= (size_t)n;
    }
}

void usage_error(const char *message)
{
    fprintf(stderr, "axolotl-launch: %s\n", message);
    _exit(EXIT_CGROUP);
}

unsigned int parse_seccomp_flags(const char *text)
{
    char *end;
    errno = 0;
    unsigned long flags = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || flags > 0xFFFFu)
        usage_error("--seccomp-flags wants a number");
    return (unsigned int)flags;
}

static int trace_fd = -1;
static const char *trace_log = "";

void trace_open(const char *path)
{
    trace_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

void trace_set_log(const char *log)
{
    trace_log = log;
}

void trace_keep_log(void)
{
    static char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", trace_log);
    trace_log = copy;
}

void trace(const char *label)
{
    if (trace_fd < 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char line[PATH_MAX + 96];
    int n = snprintf(line, sizeof line, "%s %lld.%06ld %s\n", label, (long long)now.tv_sec, now.tv_nsec / 1000, trace_log);
    if (n > 0 && n < (int)sizeof line && write(trace_fd, line, (size_t)n) < 0) {
        /* a trace never stops a start */
    }
}

int send_fd(int socket_fd, int fd)
{
    char byte = 't';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(socket_fd, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int receive_fd(int socket_fd)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    ssize_t n;
    while ((n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

/* The lowest address of this thread's stack mapping, from /proc/self/maps; 0 when not found. */
static uintptr_t stack_low(void)
{
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    /* A static binary has about 12 mappings; a line is never longer than the buffer's half. */
    char buffer[2048];
    size_t have = 0;
    uintptr_t low = 0;
    for (;;) {
        ssize_t n = read(fd, buffer + have, sizeof buffer - 1 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        buffer[have] = '\0';
        char *line = buffer, *newline;
        while ((newline = strchr(line, '\n')) != NULL) {
            *newline = '\0';
            if (strstr(line, "[stack]") != NULL)
                low = (uintptr_t)strtoull(line, NULL, 16);
            line = newline + 1;
        }
        have = strlen(line);
        memmove(buffer, line, have);
    }
    close(fd);
    return low;
}

void release_unused_memory(void)
{
    malloc_trim(0);
    uintptr_t low = stack_low();
    char here;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    /* Four pages of margin below this frame: the madvise call's own frame and the red zone stay. */
    uintptr_t high = ((uintptr_t)&here & ~(page - 1)) - 4 * page;
    if (low != 0 && high > low)
        madvise((void *)low, high - low, MADV_DONTNEED);
}

int poll_releasing(struct pollfd *fds, nfds_t count, bool *released)
{
    for (;;) {
        int ready = poll(fds, count, *released ? -1 : RELEASE_AFTER_MS);
        if (ready != 0)
            return ready;
        release_unused_memory();
        *released = true;
    }
}
