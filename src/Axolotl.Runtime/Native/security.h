/*
 * A container's securityContext in axolotl-launch (security.c; docs/flows/security-context.md maps
 * every field to what is done here).
 */
#ifndef AXOLOTL_SECURITY_H
#define AXOLOTL_SECURITY_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_SYSCTLS 32

struct security {
    bool has_caps;                   /* --sec caps=HEX: the capability bounding set */
    unsigned long long caps;
    bool no_new_privs;               /* --sec no-new-privs (allowPrivilegeEscalation: false) */
    bool read_only_root;             /* --sec read-only-root */
    bool privileged;                 /* --sec privileged: no masks, /sys and cgroups writable, the node's devices */
    bool host_pid;                   /* --sec host-pid, host-ipc, host-uts: stay in the node's namespace */
    bool host_ipc;
    bool host_uts;
    const char *sysctls[MAX_SYSCTLS]; /* --sec sysctl=NAME=VALUE, NAME with dots */
    int sysctl_count;
};

/* One "--sec" value; 0, or -1 with the reason in message. */
int security_option(struct security *s, const char *value, char *message, size_t size);

/* The namespaces PID 1 is cloned with: pid, mount, uts and ipc, less those shared with the node. */
unsigned long security_clone_flags(const struct security *s);

/* Writes the sysctls through the node's /proc/sys: call in the container's own network and ipc
 * namespaces, before /proc is replaced. 0, or -1 with the reason in message. */
int apply_sysctls(const struct security *s, char *message, size_t size);

/* Cuts the bounding set to s->caps (when given), clears the inheritable and ambient sets, and sets
 * no_new_privs when asked. Call as root, before the change of user and the exec. */
int apply_security(const struct security *s, char *message, size_t size);

/* Privileged: creates the node's device nodes (as runc's privileged containers get them) in the
 * container's fresh /dev, given by descriptor. 0, or -1 with the reason in message. */
int add_host_devices(int dev_fd, char *message, size_t size);

#endif
