/*
 * PID 1 of a container once its command runs: see container-init.h.
 */
#define _GNU_SOURCE
#include "container-init.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launch-common.h"

#define INIT_NAME "axolotl-init"

/* Points the kernel's view of the command line at [start, end), keeping every other field of the
 * memory map as it is (read from /proc/self/stat): PR_SET_MM_MAP needs no capability, unlike the
 * single-field PR_SET_MM calls (CAP_SYS_RESOURCE, which a node may not grant). */
static int set_command_line(char *start, char *end, char *message, size_t size)
{
    FILE *stat = fopen("/proc/self/stat", "re");
    char line[1024];
    bool read = stat != NULL && fgets(line, sizeof line, stat) != NULL;
    if (stat != NULL)
        fclose(stat);
    char *fields = read ? strrchr(line, ')') : NULL;
    if (fields == NULL) {
        snprintf(message, size, "cannot name the container's init: cannot read /proc/self/stat");
        return -1;
    }
    /* ") S 1 ...": field 4 on are numbers; the memory map's are 26-28 and 45-51 of proc(5). */
    unsigned long long value[52] = {0};
    char *p = fields + 4;
    for (int field = 4; field <= 51; field++) {
        char *next;
        value[field] = strtoull(p, &next, 10);
        if (next == p)
            break;
        p = next;
    }
    struct prctl_mm_map map = {
        .start_code = value[26],
        .end_code = value[27],
        .start_stack = value[28],
        .start_data = value[45],
        .end_data = value[46],
        .start_brk = value[47],
        .brk = (unsigned long long)syscall(SYS_brk, 0),
        .arg_start = (unsigned long long)(unsigned long)start,
        .arg_end = (unsigned long long)(unsigned long)end,
        .env_start = value[50],
        .env_end = value[51],
        .exe_fd = (unsigned int)-1,
    };
    if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof map, 0) == 0)
        return 0;
    /* A kernel without CONFIG_CHECKPOINT_RESTORE (or a filter that refuses the call): overwrite the
     * launcher's own arguments in place, which always hold more than the new line (they end with the
     * same command); the rest is zeroed. */
    char *old_start = (char *)(unsigned long)value[48], *old_end = (char *)(unsigned long)value[49];
    if (old_start == NULL || old_end - old_start < end - start) {
        snprintf(message, size, "cannot name the container's init: %s", strerror(errno));
        return -1;
    }
    memcpy(old_start, start, (size_t)(end - start));
    memset(old_start + (end - start), 0, (size_t)(old_end - old_start - (end - start)));
    return 0;
}

int init_rename(char *const *argv, char *message, size_t size)
{
    prctl(PR_SET_NAME, INIT_NAME, 0, 0, 0);
    static const char prefix[] = INIT_NAME "\0--";
    size_t length = sizeof prefix;
    for (char *const *arg = argv; *arg != NULL; arg++)
        length += strlen(*arg) + 1;
    /* Never freed: /proc/1/cmdline reads it for as long as the container runs. */
    char *line = malloc(length);
    if (line == NULL) {
        snprintf(message, size, "cannot name the container's init: out of memory");
        return -1;
    }
    memcpy(line, prefix, sizeof prefix);
    char *end = line + sizeof prefix;
    for (char *const *arg = argv; *arg != NULL; arg++) {
        size_t n = strlen(*arg) + 1;
        memcpy(end, *arg, n);
        end += n;
    }
    return set_command_line(line, end, message, size);
}

int init_limit_capabilities(char *message, size_t size)
{
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0) {
        snprintf(message, size, "cannot read capabilities: %s", strerror(errno));
        return -1;
    }
    for (int cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
            continue;
        unsigned int bit = 1U << (cap % 32);
        data[cap / 32].effective &= ~bit;
        data[cap / 32].permitted &= ~bit;
        data[cap / 32].inheritable &= ~bit;
    }
    if (syscall(SYS_capset, &header, data) != 0) {
        snprintf(message, size, "cannot limit capabilities to the bounding set: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void init_supervise(pid_t app, int status_fd, bool may_release)
{
    sigset_t all;
    sigfillset(&all);
    /* Once the command has run a while, PID 1 gives back what its set-up used (it may supervise for days). */
    bool released = !may_release;
    const struct timespec quiet = {.tv_sec = 0, .tv_nsec = RELEASE_AFTER_MS * 1000000L};
    for (;;) {
        siginfo_t info;
        int sig = released ? sigwaitinfo(&all, &info) : sigtimedwait(&all, &info, &quiet);
        if (sig < 0 && errno == EAGAIN) {
            release_unused_memory();
            released = true;
            continue;
        }
        if (sig < 0)
            continue; /* EINTR: a stop and continue */
        if (sig == SIGTTIN || sig == SIGTTOU)
            continue; /* meant for whoever reads or writes the terminal, never PID 1 */
        if (sig != SIGCHLD) {
            kill(app, sig);
            continue;
        }
        for (;;) {
            int status;
            pid_t child = waitpid(-1, &status, WNOHANG);
            if (child <= 0)
                break;
            if (child == app) {
                int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                /* The launcher hears of the end at once, not after this process's memory and pid
                 * namespace are torn down (an exit closes files only after that). */
                unsigned char byte = (unsigned char)code;
                if (status_fd >= 0 && write(status_fd, &byte, 1) != 1) {
                    /* The launcher learns the code when it reaps this process all the same. */
                }
                close(0);
                close(1);
                close(2);
                _exit(code);
            }
        }
    }
}
