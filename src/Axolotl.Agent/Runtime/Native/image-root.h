/*
 * A container on its image's own root filesystem (see image-root.c and
 * docs/adr/0007-oci-images-on-the-native-runtime.md).
 */
#ifndef AXOLOTL_IMAGE_ROOT_H
#define AXOLOTL_IMAGE_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "volume-mounts.h"

#define MAX_LOWERS 128
#define MAX_GROUPS 64

struct image_root {
    const char *lowers[MAX_LOWERS]; /* the image's layers, top-most first (overlayfs' lowerdir order) */
    int lower_count;
    const char *upper;              /* this attempt's fresh writable layer */
    const char *work;               /* overlayfs' work directory, on the upper's filesystem */
    const char *mount_point;        /* an empty directory: the overlay is mounted there, then pivoted into */
};

struct image_user {
    bool set;
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_GROUPS];
    int group_count;
};

/* The files the runtime binds into every container's /etc (NULL: not bound). */
struct pod_files {
    const char *hosts;
    const char *resolv_conf;
    const char *hostname;
};

/* Parses "UID:GID[:G1,G2,...]". Returns 0, or -1 with the reason in message. */
int parse_image_user(const char *text, struct image_user *user, char *message, size_t size);

/* Clones, as detached mounts, every node path the container needs before its root changes: the
 * volume sources (each bind's source_fd becomes its clone, read-only when asked) and the pod's files
 * (pinned[]: hosts, resolv.conf, hostname; -1 when absent). Returns 0, or -1 with the reason. */
int pin_host_files(struct bind_mount *binds, int bind_count, const struct pod_files *files, int pinned[3], char *message, size_t size);

/* In the container's own mount namespace (already private): mounts the overlay, pivots into it,
 * then mounts /proc, a minimal /dev, a read-only /sys, the pod's files and the volumes inside the
 * new root, where every path resolves within the root. Enters workdir (made when missing, as runc
 * does) and, with a user, drops to it. Returns 0, or -1 with the reason in message. */
int enter_image_root(const struct image_root *root, struct bind_mount *binds, int bind_count, const int pinned[3],
                     const char *workdir, const struct image_user *user, char *message, size_t size);

#endif
