/*
 * seccomp.c: loads the container's seccomp filter, the last step before tini (or an exec'd command)
 * runs. The agent compiles the profile (RuntimeDefault, or a Localhost file) to classic BPF; this
 * file only reads the program and hands it to seccomp(2), in the order runc uses:
 *
 *   - without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while the process still has
 *     it, before the capability bounding set and the user are dropped (runc: before finalizeNamespace);
 *   - with no_new_privs (allowPrivilegeEscalation: false), load it as late as possible, after the
 *     user switch and just before exec, so the fewest calls of ours run under it.
 *
 * No SECCOMP_FILTER_FLAG_TSYNC: the process is single-threaded and exec follows. The flags the agent
 * passes (runc's default is SPEC_ALLOW) go to seccomp(2); runc uses prctl(PR_SET_SECCOMP) only when
 * there are none, which is the same call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"

#define MAX_INSTRUCTIONS 4096 /* BPF_MAXINSNS */

int seccomp_read(const char *path, unsigned int flags, struct seccomp_program *program, char *message, size_t size)
{
    memset(program, 0, sizeof *program);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(message, size, "cannot read seccomp program %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0
        || st.st_size / (off_t)sizeof(struct sock_filter) > MAX_INSTRUCTIONS) {
        snprintf(message, size, "seccomp program %s is not a BPF program of 1 to %d instructions", path, MAX_INSTRUCTIONS);
        close(fd);
        return -1;
    }
    program->filter = malloc((size_t)st.st_size);
    size_t got = 0;
    while (program->filter != NULL && got < (size_t)st.st_size) {
        ssize_t n = read(fd, (char *)program->filter + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (program->filter == NULL || got != (size_t)st.st_size) {
        snprintf(message, size, "cannot read seccomp program %s: %s", path, program->filter == NULL ? "out of memory" : "short read");
        return -1;
    }
    program->length = (unsigned short)(got / sizeof(struct sock_filter));
    program->flags = flags;
    return 0;
}

static int load(struct seccomp_program *program, char *message, size_t size)
{
    struct sock_fprog fprog = {.len = program->length, .filter = program->filter};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program->flags, &fprog) != 0) {
        /* runc's words: "error loading seccomp filter into kernel: error loading seccomp filter: <errno>" */
        char reason[128];
        snprintf(reason, sizeof reason, "%s", strerror(errno));
        if (reason[0] >= 'A' && reason[0] <= 'Z')
            reason[0] = (char)(reason[0] - 'A' + 'a');
        snprintf(message, size, "error loading seccomp filter into kernel: error loading seccomp filter: %s", reason);
        return -1;
    }
    program->loaded = true;
    return 0;
}

int seccomp_load_early(struct seccomp_program *program, char *message, size_t size)
{
    if (program->length == 0 || program->loaded || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
        return 0;
    return load(program, message, size);
}

int seccomp_load_late(struct seccomp_program *program, char *message, size_t size)
{
    if (program->length == 0 || program->loaded)
        return 0;
    return load(program, message, size);
}
