/*
 * Volume mounts inside a container's private mount namespace (see volume-mounts.c and
 * docs/adr/0004-volume-mount-points.md).
 */
#ifndef AXOLOTL_VOLUME_MOUNTS_H
#define AXOLOTL_VOLUME_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_BINDS 64

struct bind_mount {
    const char *source; /* a path on the node: a volume's directory, a hostPath, or a subPath as "VOLUME/./PATH" */
    const char *target; /* the mountPath inside the container */
    bool read_only;
    int source_fd;      /* set by pin_bind_sources */
    bool host_to_container; /* mountPropagation HostToContainer (rslave); otherwise None (rprivate) */
};

/* Opens every source, so that mounts made afterwards (the private /tmp) cannot hide one; a subPath
 * ("VOLUME/./PATH") beneath its volume with no symlink followed, refused when one is in the way.
 * Returns 0, or -1 with the reason in message. */
int pin_bind_sources(struct bind_mount *binds, int count, char *message, size_t size);

/* Mounts every source on its target, in order, creating missing mount points without touching the
 * node's filesystem. Call after the private /tmp exists (scratch space lives there). Returns 0, or
 * -1 with the reason in message. May change the root (chroot) and the working directory. */
int apply_bind_mounts(struct bind_mount *binds, int count, char *message, size_t size);

/* Whether any bind wants HostToContainer: the container's mounts are then made slaves of the node's
 * (MS_SLAVE | MS_REC on "/", containerd's rootfsPropagation rslave) instead of private. */
bool any_host_to_container(const struct bind_mount *binds, int count);

/* After every bind, at the container's paths: HostToContainer binds stay slaves (and must be: a source
 * on a private mount of the node's is refused, as containerd refuses it), the others become private.
 * Returns 0, or -1 with the reason in message. */
int set_bind_propagation(const struct bind_mount *binds, int count, char *message, size_t size);

#endif
