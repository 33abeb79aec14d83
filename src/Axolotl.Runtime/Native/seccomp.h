/*
 * A container's seccomp filter for axolotl-launch (see seccomp.c and docs/adr/0002-native-launcher.md).
 */
#ifndef AXOLOTL_SECCOMP_H
#define AXOLOTL_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

struct seccomp_program {
    void *filter;          /* struct sock_filter[length], compiled by the agent (Runtime/Seccomp) */
    unsigned short length; /* 0: no filter */
    unsigned int flags;    /* SECCOMP_FILTER_FLAG_* */
    bool loaded;
};

/* Reads a raw sock_filter array from path (on the node: before any pivot or setns). Returns 0, or -1
 * with the reason in message. */
int seccomp_read(const char *path, unsigned int flags, struct seccomp_program *program, char *message, size_t size);

/* runc's order: without no_new_privs a filter can only be loaded with CAP_SYS_ADMIN, so it is loaded
 * here, before the capabilities and the user are dropped; with no_new_privs it waits for
 * seccomp_load_late, as close to exec as possible. Both return 0, or -1 with the reason in message. */
int seccomp_load_early(struct seccomp_program *program, char *message, size_t size);
int seccomp_load_late(struct seccomp_program *program, char *message, size_t size);

#endif
