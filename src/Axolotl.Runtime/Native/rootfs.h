/*
 * A container's own root filesystem for axolotl-launch (see rootfs.c and docs/adr/0002-native-launcher.md).
 */
#ifndef AXOLOTL_ROOTFS_H
#define AXOLOTL_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "volume-mounts.h"

#define MAX_LOWERS 128

struct rootfs {
    const char *mountpoint;        /* --rootfs: an empty directory on the node */
    const char *lowers[MAX_LOWERS]; /* --lower, top-most layer first (overlay's lowerdir order) */
    int lower_count;
    const char *upper;             /* --upper, --work: the container's writable layer */
    const char *work;
    const char *hosts;             /* files bound on /etc/hosts, /etc/resolv.conf, /etc/hostname (or NULL) */
    const char *resolv_conf;
    const char *hostname_file;
    bool read_only;                /* readOnlyRootFilesystem: the root mount (not /dev, volumes, /etc files) read-only */
    bool privileged;               /* no masked or read-only paths, /sys and the cgroup view writable, the node's devices */
};

/* Mounts the root (overlay of the layers, or the directory itself), /proc, /dev, /sys, the pod's
 * /etc files and the volumes inside it, every target resolved within the root, then pivots into it.
 * Call in the container's own mount (and pid) namespace, with the volume sources pinned. Returns 0
 * (the process is in the new root, at "/"), or -1 with the reason in message. */
int enter_rootfs(const struct rootfs *root, struct bind_mount *binds, int bind_count, char *message, size_t size);

#endif
