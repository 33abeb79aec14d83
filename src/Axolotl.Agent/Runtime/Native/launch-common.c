/*
 * Helpers the parts of axolotl-launch share: see launch-common.h.
 */
#define _GNU_SOURCE
#include "launch-common.h"

#include <errno.h>
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
