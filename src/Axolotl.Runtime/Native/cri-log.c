/*
 * The container's log in CRI format: see cri-log.h.
 */
#define _GNU_SOURCE
#include "cri-log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "launch-common.h"

int open_log(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

void flush_log(struct log *log)
{
    if (log->used > 0 && log->fd >= 0)
        write_all(log->fd, log->buffer, log->used);
    log->used = 0;
}

static void rotate_log(struct log *log)
{
    flush_log(log);
    if (rename(log->path, log->rotated) == 0) {
        int fd = open_log(log->path);
        if (fd >= 0) {
            close(log->fd);
            log->fd = fd;
        }
    } else if (ftruncate(log->fd, 0) != 0) {
        return; /* keep writing where we are: better a long log than a lost one */
    }
    log->size = 0;
}

/* Appends one record "<timestamp> <stream> <F|P> <text>\n", rotating first when it would not fit. */
static void log_record(struct log *log, const char *stamp, const char *stream, bool partial, const char *text, size_t len)
{
    size_t stamp_len = strlen(stamp), stream_len = strlen(stream);
    size_t total = stamp_len + 1 + stream_len + 3 + len + 1;
    if (log->size > 0 && log->size + (long)total > log->max)
        rotate_log(log);
    if (log->used + total > sizeof log->buffer)
        flush_log(log);
    char *p = log->buffer + log->used;
    memcpy(p, stamp, stamp_len);
    p += stamp_len;
    *p++ = ' ';
    memcpy(p, stream, stream_len);
    p += stream_len;
    *p++ = ' ';
    *p++ = partial ? 'P' : 'F';
    *p++ = ' ';
    memcpy(p, text, len);
    p += len;
    *p++ = '\n';
    log->used += total;
    log->size += (long)total;
}

/* RFC3339 with nanoseconds in UTC, as CRI runtimes write it (formatted by hand: no time zone files). */
static void timestamp(char *out, size_t size)
{
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec);
}

/* Splits what was read into records: complete lines as F, 16 KiB pieces of longer ones as P. */
static void consume(struct log *log, struct stream *s, const char *data, size_t len, const char *stamp)
{
    while (len > 0) {
        const char *newline = memchr(data, '\n', len);
        size_t take = newline != NULL ? (size_t)(newline - data) : len;
        size_t room = MAX_LINE - s->len;
        if (take >= room) {
            memcpy(s->line + s->len, data, room);
            log_record(log, stamp, s->name, true, s->line, MAX_LINE);
            s->len = 0;
            data += room;
            len -= room;
            continue;
        }
        memcpy(s->line + s->len, data, take);
        s->len += take;
        data += take;
        len -= take;
        if (newline != NULL) {
            /* "\r\n" ends a line as "\n" does (a terminal writes it), as containerd's reader strips it. */
            if (s->len > 0 && s->line[s->len - 1] == '\r')
                s->len--;
            log_record(log, stamp, s->name, false, s->line, s->len);
            s->len = 0;
            data++;
            len--;
        }
    }
}

/* Copies both pipes (or the terminal) into the log and to attached clients until every writer
 * (the whole container) has gone; serves the attach socket meanwhile. */
/* The notice's byte, or its end: either way it is heard from once. */
static void hear(struct exit_notice *notice)
{
    unsigned char code;
    ssize_t n;
    while ((n = read(notice->fd, &code, 1)) < 0 && errno == EINTR) {
    }
    if (n < 0 && errno == EAGAIN)
        return;
    if (n == 1)
        notice->heard(code, notice->context);
    close(notice->fd);
    notice->fd = -1;
}

void pump(struct log *log, struct stream *streams, int count, struct attach *attach, struct exit_notice *notice)
{
    static char chunk[READ_CHUNK];
    struct pollfd fds[3 + ATTACH_POLL_FDS];
    int open_streams = count;
    bool released = false; /* the launcher's set-up memory, given back once the container is quiet */
    while (open_streams > 0) {
        for (int i = 0; i < count; i++) {
            fds[i].fd = streams[i].fd;
            fds[i].events = POLLIN;
            fds[i].revents = 0;
        }
        /* The notice's slot stays in place once it is heard (a negative fd is skipped by poll). */
        int noticed = notice != NULL ? 1 : 0;
        if (noticed) {
            fds[count].fd = notice->fd;
            fds[count].events = POLLIN;
            fds[count].revents = 0;
        }
        int attached = attach_poll_fds(attach, fds + count + noticed);
        if (poll_releasing(fds, (nfds_t)(count + noticed + attached), &released) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        /* First: the next attempt may go on it. */
        if (noticed && notice->fd >= 0 && fds[count].revents != 0)
            hear(notice);
        attach_handle(attach, fds + count + noticed, attached);
        char stamp[64];
        timestamp(stamp, sizeof stamp);
        for (int i = 0; i < count; i++) {
            struct stream *s = &streams[i];
            if (s->fd < 0 || fds[i].revents == 0)
                continue;
            ssize_t n = read(s->fd, chunk, sizeof chunk);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n > 0) {
                consume(log, s, chunk, (size_t)n, stamp);
                attach_output(attach, i + 1, chunk, (size_t)n);
                continue;
            }
            /* End of the stream: a last line without a newline still counts as a full line. */
            if (s->len > 0)
                log_record(log, stamp, s->name, false, s->line, s->len);
            s->len = 0;
            if (attach->tty && attach->stdin_fd == s->fd)
                attach->stdin_fd = -1; /* the terminal's master, closed here */
            close(s->fd);
            s->fd = -1;
            open_streams--;
        }
        flush_log(log);
    }
}
