/*
 * axolotl-launch's command line for starting a container (launch-options.c): every option, read
 * into one struct options that the launcher and the container's PID 1 both work from.
 */
#ifndef AXOLOTL_LAUNCH_OPTIONS_H
#define AXOLOTL_LAUNCH_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

#include "launch-common.h"
#include "rootfs.h"
#include "seccomp.h"
#include "security.h"
#include "volume-mounts.h"

#define MAX_CGROUPS 16

struct options {
    const char *exit_file;
    const char *log;
    long log_max;
    const char *cgroup_procs[MAX_CGROUPS];
    int cgroups;
    const char *netns;
    const char *hostname;
    const char *hosts;
    const char *resolv_conf;
    const char *workdir;
    const char *tmp_size;
    struct bind_mount binds[MAX_BINDS];
    int bind_count;
    const char *pending_bind; /* a --bind whose --to has not come yet */
    bool pending_host_to_container; /* --host-to-container for that --bind */
    bool pending_read_only;
    struct rootfs root;       /* used when root.mountpoint is set */
    bool has_user;
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_GROUPS];
    int group_count;
    bool standby;
    const char *seccomp_path;       /* --seccomp: read before the clone, loaded just before exec */
    unsigned int seccomp_flags;
    struct seccomp_program seccomp;
    struct security security;
    int cgroup_dirs[MAX_CGROUPS];   /* --standby: the cgroup.procs file's grandparent (the pod's cgroup) */
    const char *cgroup_names[MAX_CGROUPS]; /* and the path below it ("<container>/cgroup.procs") */
    const char *attach_path;        /* --attach: the attach socket */
    bool stdin_open;                /* --stdin */
    bool stdin_once;                /* --stdin-once */
    bool tty;                       /* --tty */
    const char *pid_ns;             /* --pid-ns: join this pid namespace */
    bool has_nice;                  /* --nice: the container's nice value (the launcher may run boosted) */
    int nice;
    const char *next_fifo;          /* --next: the FIFO of the next attempt's armed standby */
    bool next_on_success;           /* --next-on any (else failure: a non-zero code) */
    const char *armed_fifo;         /* --armed: this standby also goes on a byte in this FIFO */
    int armed_fd;                   /* its read end, held by PID 1 only (-1: not armed) */
    const char *ready_fifo;         /* --ready-to: a standby also says it is ready with one byte here */
    int ready_fd;                   /* its end (read-write: the byte waits for a reader that opens later), held by the waiting command (-1: none) */
    const char *wait_fifo;          /* --wait-standby: a cold start's command runs once that byte came (its next attempt is ready) */
    int wait_fd;                    /* its read end, held by the command only (-1: no wait) */
    int wait_ms;                    /* --wait-standby-ms: at most this long */
    int console_fd;                 /* --tty with an image root: PID 1 sends the terminal's master here (-1: none) */
    const char *env_file;           /* --env-file: the container's environment */
    char **env;                     /* read on the node before the clone; the command's envp */
    char **argv;
};

/* Reads argv up to the container's command (after "--"); a bad command line exits through usage_error. */
void parse_options(int argc, char **argv, struct options *o);

#endif
