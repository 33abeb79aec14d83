/*
 * The container's log in CRI format, written by the launcher (cri-log.c; see axolotl-launch.c for the
 * format and the rotation).
 */
#ifndef AXOLOTL_CRI_LOG_H
#define AXOLOTL_CRI_LOG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "attach.h"

#define MAX_LINE (16 * 1024) /* CRI's longest record: longer lines become P chunks */
#define READ_CHUNK (64 * 1024)
#define OUT_BUFFER (256 * 1024)

/* The buffers come last: a container that writes little leaves their pages untouched, out of the
 * launcher's memory. */
struct log {
    const char *path;
    int fd;
    long size;
    long max;
    size_t used;
    char rotated[PATH_MAX];
    char buffer[OUT_BUFFER];
};

struct stream {
    int fd;
    const char *name;
    size_t len;
    char line[MAX_LINE];
};

int open_log(const char *path);
void flush_log(struct log *log);

/* An early word of the container's end: one byte, the command's exit code, from the container's init
 * before it exits itself (fd -1: none). heard runs as soon as it comes, while the output is still
 * being copied. */
struct exit_notice {
    int fd;
    void (*heard)(int code, void *context);
    void *context;
};

/* Copies the streams into the log (and to the attached clients) until every one of them ends. */
void pump(struct log *log, struct stream *streams, int count, struct attach *attach, struct exit_notice *notice);

#endif
