/*
 * axolotl-launch: starts one container and stays outside it as its monitor (a small conmon).
 *
 * It replaces the shell chain recorder → enter → nsenter → unshare → init (see LaunchScripts.cs)
 * with one process, so a container starts with one fork+exec from .NET instead of five, and it
 * owns the container's stdout/stderr, which lets it write the log in CRI format with timestamps.
 *
 *   axolotl-launch --exit-file F --log L [--log-max-bytes N] [--cgroup-procs P]...
 *                  [--netns NAME] [--hostname H] [--hosts FILE] [--resolv-conf FILE] [--workdir DIR]
 *                  [--tmp-size S] [--bind SRC|--bind-ro SRC --to DST]...
 *                  [--rootfs DIR [--lower DIR]... [--upper DIR --work DIR] [--hostname-file FILE]]
 *                  [--user UID:GID[:G1,G2,...]] [--sec KEY[=VALUE]]... [--seccomp FILE [--seccomp-flags N]] [--standby]
 *                  [--attach SOCKET [--stdin [--stdin-once]] [--tty]] [--pid-ns FILE] [--nice N]
 *                  [--next FIFO --next-on any|failure] [--armed FIFO] [--env-file FILE] -- argv...
 *
 * --env-file is the container's environment (container-env.h): the command's envp, and the PATH its
 * executable is looked up in. The launcher itself runs with the agent's fixed environment, never the
 * pod's (a pod's LD_PRELOAD would be loaded by this root process on the node). Without it the command
 * gets the launcher's own environment.
 *
 * --standby prepares the next attempt of a container while the current one runs: PID 1 does every
 * step up to exec (namespaces, root, mounts, hostname, the executable's check) and waits; the
 * launcher says "standby" on stdout and waits for "go" on stdin, and only then are the cgroups
 * joined, the log opened and the command executed. A restart is then one line from the agent instead of a
 * process start and a root's set-up. The end of stdin (the agent discards it, or is gone) ends both.
 *
 * Each --bind/--bind-ro names a volume source on the node and the following --to its mountPath in
 * the container (volume-mounts.c); they are mounted in order, after the private /tmp. --host-to-container
 * after a --bind (mountPropagation HostToContainer) keeps that one a slave of the node's mount, so
 * what the node mounts below it later shows in the container; every other mount of the container is private.
 *
 * --next FIFO --next-on any|failure: when the container exits with a code that restarts it under the pod's
 * policy (any code, or a non-zero one), the launcher writes one byte to FIFO as soon as the container's
 * init tells it the code (a status pipe, written just before the init exits), or else right after
 * reaping PID 1; its exit line then reads "exited <code> next <oom kills>". The byte reaches the next
 * attempt's standby, started with --armed FIFO: its command waits for the byte as well as for its
 * launcher's go, so a crash is answered with no hop through the agent. The agent arms a standby only
 * when it would restart at once (the container's first restart) and disarms it by removing the FIFO
 * before it stops a container itself; without a FIFO, or without a reader, nothing is written.
 *
 * --nice N is the container's nice value: the agent starts the launcher at a better one (it and PID 1's
 * set-up are the runtime's work on a restart's path), and PID 1 and the command take N before anything of the container runs.
 *
 * --rootfs gives the container a root of its own (rootfs.c): an overlay of the --lower layers (top-most
 * first) with the --upper/--work writable layer, mounted on the empty directory DIR, with /proc, /dev,
 * /sys, the /etc files and the volumes inside it, entered with pivot_root. No private /tmp then (the
 * image's /tmp is on the overlay). Without --rootfs the container runs on the node's root.
 *
 * With --rootfs the capability bounding set is cut to containerd's default list (no CAP_SYS_ADMIN),
 * and /proc and /sys get runc's default masked and read-only paths.
 *
 * --sec applies the container's securityContext (security.c): caps=HEX (the bounding set),
 * no-new-privs, read-only-root, privileged, host-pid, host-ipc, host-uts (stay in the node's
 * namespace), sysctl=PATH=VALUE (written below /proc/sys in the container's namespaces).
 *
 * --user drops to that uid, gid and supplementary groups (none when omitted) just before exec;
 * without it the container runs as root.
 *
 * --seccomp loads a seccomp filter (seccomp.c: a raw sock_filter array the agent compiled, loaded with
 * seccomp(2) and the --seccomp-flags, in runc's order) as the last step before the command's exec (and PID 1's wait); exec's get the same.
 *
 * --hosts and --resolv-conf are bind-mounted on /etc/hosts and /etc/resolv.conf. Without
 * --resolv-conf, a file "resolv.conf" next to the --hosts file is used when it exists (the agent
 * writes one there for dnsPolicy ClusterFirst); otherwise the host's /etc/resolv.conf stays.
 *
 * Processes:
 *   launcher (this process): its own session, ignores TERM/INT/HUP, never joins the container's
 *     cgroups (so cgroup.kill cannot take it down before it records the exit). It clones the
 *     namespace's PID 1, copies both pipes into the log, reaps PID 1 and records its status.
 *   PID 1 (clone with new pid, mount, uts and ipc namespaces): joins the cgroups and the pod's
 *     network namespace, sets up mounts and the hostname, forks the command and stays as the
 *     container's init, "axolotl-init -- argv" (container-init.c: what tini -s did, without an exec
 *     of its own): it forwards signals and passes exit codes on (137 for SIGKILL, OOM kills included;
 *     143 for SIGTERM). Both take the container's security (user, bounding set, no_new_privs,
 *     seccomp); PID 1 also keeps only the capabilities an exec would have left it, is not dumpable,
 *     and closes every descriptor of the launcher's. PR_SET_PDEATHSIG makes it die with the
 *     launcher, and the whole pid namespace dies with it (what unshare --kill-child did).
 *
 * Protocol with the agent: one line on stdout, "running <host pid of PID 1>" once the command has
 * been exec'd and PID 1 supervises it, and "exited <code>" once PID 1 is reaped and the log flushed; then the exit file is written
 * and stdout closed. The launcher holds the container's mount namespace until after that line, so the
 * unmounting of the container's tree happens after the agent heard of the exit, not before. On a
 * launcher failure nothing is printed: the reason goes to "<exit file>.err", the code (125
 * cgroups/namespaces, 126 mounts/working directory/hostname, 127 executable not found) to the exit file, and the launcher exits with that code. Otherwise the
 * exit file gets the container's code (128+n for a signal) and the launcher exits with it too.
 * The exit file outlives an agent restart: a later agent reads the code from it.
 *
 * "axolotl-launch --pod-pid-ns CGROUP_PROCS..." holds the pid namespace a pod with shareProcessNamespace
 * gives its containers (pod-pid-ns.c); they join it with --pid-ns.
 *
 * "axolotl-launch --exec-into PID [--cgroup-procs FILE]... [--env-file FILE] [--seccomp FILE [--seccomp-flags N]] -- argv"
 * runs a command in a running container instead (exec, probes, hooks): it joins the cgroups itself (no
 * shell on the node), gives argv the container's environment file, and runs it under the container's
 * seccomp filter as runc exec does.
 *
 * --attach listens on a Unix socket for the agent's attach sessions (attach.c, pods/attach): the
 * container's output goes to the log first and then to every attached client. --stdin gives the
 * container a stdin pipe the launcher holds open (the container waits on it as under a runtime's
 * "stdin: true"), fed by attached clients; --stdin-once closes it once the first client that
 * attached it is done. --tty gives the container a pseudo-terminal instead (its controlling
 * terminal, stdin, stdout and stderr; the output is logged as stdout), sized by the clients. With an
 * image root the terminal is made in the container's own devpts by PID 1, which hands the master
 * side to the launcher over a socket (runc's console socket): `tty` inside names /dev/pts/0 and no
 * terminal of the node is reachable from the container.
 *
 * --pid-ns joins an existing pid namespace (/proc/PID/ns/pid of another container's init) instead of
 * making one: an ephemeral container with targetContainerName sees the target's processes. Its init
 * (a subreaper) is then not PID 1; /proc, mounted in its own mount namespace, is the target's.
 *
 * Log: "<RFC3339Nano UTC> <stdout|stderr> <F|P> <text>" per record; P marks a 16 KiB chunk of a
 * longer line. The launcher is the only writer and rotates by size itself: the live file is
 * renamed to "<log>.1" (replacing the previous one) and a new one is started, so a log flood
 * costs at most about twice --log-max-bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "container-env.h"
#include "container-init.h"
#include "cri-log.h"
#include "exec-into.h"
#include "launch-common.h"
#include "pod-pid-ns.h"
#include "rootfs.h"
#include "seccomp.h"
#include "security.h"
#include "volume-mounts.h"


#define MAX_CGROUPS 16
#define DEFAULT_LOG_MAX (10L * 1024 * 1024)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define KEEP_MOUNT "/run/axolotl-keep"

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
    int console_fd;                 /* --tty with an image root: PID 1 sends the terminal's master here (-1: none) */
    const char *env_file;           /* --env-file: the container's environment */
    char **env;                     /* read on the node before the clone; the command's envp */
    char **argv;
};

/* ---------- small helpers ---------- */

/* --trace FILE: "<label> <realtime seconds.micros> <log path>" lines at the steps of a start, appended
 * to FILE (opened before the clone, so PID 1 writes there after its pivot too; closed by the command's exec and by PID 1 once it supervises).
 * Off by default: the agent passes it only when AXOLOTL_RESTART_TRACE names a file. */
static int trace_fd = -1;
static const char *trace_log = "";

static void trace(const char *label)
{
    if (trace_fd < 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char line[PATH_MAX + 96];
    int n = snprintf(line, sizeof line, "%s %lld.%06ld %s\n", label, (long long)now.tv_sec, now.tv_nsec / 1000, trace_log);
    if (n > 0 && n < (int)sizeof line && write(trace_fd, line, (size_t)n) < 0) {
        /* a trace never stops a start */
    }
}

/* Writes text to path through a temporary file and a rename, so a reader never sees half of it. */
static void write_file_atomically(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    write_all(fd, text, strlen(text));
    close(fd);
    rename(tmp, path);
}

static void record_exit(const char *exit_file, int code)
{
    char text[16];
    snprintf(text, sizeof text, "%d\n", code);
    write_file_atomically(exit_file, text);
}

/* A launcher failure: the reason in "<exit file>.err", the code in the exit file, then exit. */
static void launch_failed(const struct options *o, int code, const char *message)
{
    char err_path[PATH_MAX];
    char text[1024];
    snprintf(text, sizeof text, "%s\n", message);
    if (snprintf(err_path, sizeof err_path, "%s.err", o->exit_file) < (int)sizeof err_path)
        write_file_atomically(err_path, text);
    record_exit(o->exit_file, code);
    _exit(code);
}

void usage_error(const char *message)
{
    fprintf(stderr, "axolotl-launch: %s\n", message);
    _exit(EXIT_CGROUP);
}

/* One decimal id of --user, ending at one of the characters in ends; returns the rest or NULL. */
static const char *parse_id(const char *text, const char *ends, unsigned int *id)
{
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (end == text || errno != 0 || value > 0xFFFFFFFEul || (*end != '\0' && strchr(ends, *end) == NULL))
        return NULL;
    *id = (unsigned int)value;
    return end;
}

/* --user UID:GID[:G1,G2,...] */
static void parse_user(const char *text, struct options *o)
{
    unsigned int id;
    const char *rest = parse_id(text, ":", &id);
    if (rest == NULL || *rest != ':')
        usage_error("--user wants UID:GID[:G1,G2,...]");
    o->uid = id;
    rest = parse_id(rest + 1, ":", &id);
    if (rest == NULL)
        usage_error("--user wants UID:GID[:G1,G2,...]");
    o->gid = id;
    if (*rest == ':' && rest[1] != '\0') {
        rest++;
        for (;;) {
            if (o->group_count == MAX_GROUPS)
                usage_error("--user has too many supplementary groups");
            rest = parse_id(rest, ",", &id);
            if (rest == NULL)
                usage_error("--user wants UID:GID[:G1,G2,...]");
            o->groups[o->group_count++] = id;
            if (*rest == '\0')
                break;
            rest++;
        }
    } else if (*rest == ':') {
        rest++;
    }
    if (*rest != '\0')
        usage_error("--user wants UID:GID[:G1,G2,...]");
    o->has_user = true;
}

unsigned int parse_seccomp_flags(const char *text)
{
    char *end;
    errno = 0;
    unsigned long flags = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || flags > 0xFFFFu)
        usage_error("--seccomp-flags wants a number");
    return (unsigned int)flags;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    enum { EXIT_FILE = 256, LOG, LOG_MAX, CGROUP, NETNS, HOSTNAME, HOSTS, RESOLV_CONF, WORKDIR, TMP_SIZE, BIND, BIND_RO, TO, STANDBY,
           LOWER, UPPER, WORK, ROOTFS, HOSTNAME_FILE, USER, SEC, SECCOMP, SECCOMP_FLAGS, ATTACH, STDIN, STDIN_ONCE, TTY, PID_NS, TRACE, NICE, NEXT, NEXT_ON, ARMED, ENV_FILE, HOST_TO_CONTAINER };
    static const struct option long_options[] = {
        {"exit-file", required_argument, NULL, EXIT_FILE},
        {"log", required_argument, NULL, LOG},
        {"log-max-bytes", required_argument, NULL, LOG_MAX},
        {"cgroup-procs", required_argument, NULL, CGROUP},
        {"netns", required_argument, NULL, NETNS},
        {"hostname", required_argument, NULL, HOSTNAME},
        {"hosts", required_argument, NULL, HOSTS},
        {"resolv-conf", required_argument, NULL, RESOLV_CONF},
        {"workdir", required_argument, NULL, WORKDIR},
        {"tmp-size", required_argument, NULL, TMP_SIZE},
        {"bind", required_argument, NULL, BIND},
        {"bind-ro", required_argument, NULL, BIND_RO},
        {"to", required_argument, NULL, TO},
        {"host-to-container", no_argument, NULL, HOST_TO_CONTAINER},
        {"lower", required_argument, NULL, LOWER},
        {"upper", required_argument, NULL, UPPER},
        {"work", required_argument, NULL, WORK},
        {"rootfs", required_argument, NULL, ROOTFS},
        {"hostname-file", required_argument, NULL, HOSTNAME_FILE},
        {"user", required_argument, NULL, USER},
        {"standby", no_argument, NULL, STANDBY},
        {"sec", required_argument, NULL, SEC},
        {"seccomp", required_argument, NULL, SECCOMP},
        {"seccomp-flags", required_argument, NULL, SECCOMP_FLAGS},
        {"attach", required_argument, NULL, ATTACH},
        {"stdin", no_argument, NULL, STDIN},
        {"stdin-once", no_argument, NULL, STDIN_ONCE},
        {"tty", no_argument, NULL, TTY},
        {"pid-ns", required_argument, NULL, PID_NS},
        {"trace", required_argument, NULL, TRACE},
        {"nice", required_argument, NULL, NICE},
        {"next", required_argument, NULL, NEXT},
        {"next-on", required_argument, NULL, NEXT_ON},
        {"armed", required_argument, NULL, ARMED},
        {"env-file", required_argument, NULL, ENV_FILE},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->armed_fd = -1;
    o->console_fd = -1;
    o->log_max = DEFAULT_LOG_MAX;
    o->workdir = "/";
    o->tmp_size = "64m";
    int c;
    /* "+": stop at the first non-option, so the container's own arguments are never parsed. */
    while ((c = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
        switch (c) {
        case EXIT_FILE: o->exit_file = optarg; break;
        case LOG: o->log = optarg; break;
        case LOG_MAX: {
            char *end;
            o->log_max = strtol(optarg, &end, 10);
            if (*end != '\0' || o->log_max <= 0)
                usage_error("--log-max-bytes wants a positive number");
            break;
        }
        case CGROUP:
            if (o->cgroups == MAX_CGROUPS)
                usage_error("too many --cgroup-procs");
            o->cgroup_procs[o->cgroups++] = optarg;
            break;
        case NETNS: o->netns = optarg; break;
        case HOSTNAME: o->hostname = optarg; break;
        case HOSTS: o->hosts = optarg; break;
        case RESOLV_CONF: o->resolv_conf = optarg; break;
        case WORKDIR: o->workdir = optarg; break;
        case TMP_SIZE: o->tmp_size = optarg; break;
        case BIND:
        case BIND_RO:
            if (o->pending_bind != NULL)
                usage_error("--bind without --to");
            o->pending_bind = optarg;
            o->pending_read_only = c == BIND_RO;
            break;
        case TO:
            if (o->pending_bind == NULL)
                usage_error("--to without --bind");
            if (o->bind_count == MAX_BINDS)
                usage_error("too many --bind");
            o->binds[o->bind_count++] = (struct bind_mount){o->pending_bind, optarg, o->pending_read_only, -1, o->pending_host_to_container};
            o->pending_bind = NULL;
            o->pending_host_to_container = false;
            break;
        case HOST_TO_CONTAINER:
            if (o->pending_bind == NULL)
                usage_error("--host-to-container without --bind");
            o->pending_host_to_container = true;
            break;
        case LOWER:
            if (o->root.lower_count == MAX_LOWERS)
                usage_error("too many --lower");
            o->root.lowers[o->root.lower_count++] = optarg;
            break;
        case UPPER: o->root.upper = optarg; break;
        case WORK: o->root.work = optarg; break;
        case ROOTFS: o->root.mountpoint = optarg; break;
        case HOSTNAME_FILE: o->root.hostname_file = optarg; break;
        case USER: parse_user(optarg, o); break;
        case STANDBY: o->standby = true; break;
        case SEC: {
            char reason[256];
            if (security_option(&o->security, optarg, reason, sizeof reason) != 0)
                usage_error(reason);
            break;
        }
        case SECCOMP: o->seccomp_path = optarg; break;
        case SECCOMP_FLAGS: o->seccomp_flags = parse_seccomp_flags(optarg); break;
        case ATTACH: o->attach_path = optarg; break;
        case STDIN: o->stdin_open = true; break;
        case STDIN_ONCE: o->stdin_once = true; break;
        case TTY: o->tty = true; break;
        case PID_NS: o->pid_ns = optarg; break;
        case NICE: {
            char *end;
            long nice = strtol(optarg, &end, 10);
            if (*end != '\0' || end == optarg || nice < -20 || nice > 19)
                usage_error("--nice wants a number from -20 to 19");
            o->has_nice = true;
            o->nice = (int)nice;
            break;
        }
        case NEXT: o->next_fifo = optarg; break;
        case NEXT_ON:
            if (strcmp(optarg, "any") == 0)
                o->next_on_success = true;
            else if (strcmp(optarg, "failure") != 0)
                usage_error("--next-on wants any or failure");
            break;
        case ARMED: o->armed_fifo = optarg; break;
        case ENV_FILE: o->env_file = optarg; break;
        case TRACE: trace_fd = open(optarg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644); break;
        default: usage_error("unknown option");
        }
    }
    if (o->pending_bind != NULL)
        usage_error("--bind without --to");
    if (o->exit_file == NULL || o->log == NULL)
        usage_error("--exit-file and --log are required");
    if (o->root.mountpoint == NULL && (o->root.lower_count > 0 || o->root.upper != NULL || o->root.work != NULL))
        usage_error("--lower, --upper and --work need --rootfs");
    if ((o->stdin_once && !o->stdin_open) || ((o->stdin_open || o->tty) && o->attach_path == NULL))
        usage_error("--stdin-once needs --stdin, and --stdin and --tty need --attach");
    if (o->armed_fifo != NULL && !o->standby)
        usage_error("--armed needs --standby");
    if (optind >= argc)
        usage_error("no command after --");
    o->argv = argv + optind;
    trace_log = o->log;
}

/* ---------- PID 1 of the container: set up, fork the command, supervise it ---------- */

/* The command's pid, in PID 1 once forked: a failure of PID 1 after the fork takes the command along. */
static pid_t forked_app = 0;

/* Reports a setup failure to the launcher through the error pipe ("<code> <message>") and exits. */
static void init_failed(int error_fd, int code, const char *fmt, ...)
{
    char text[1024];
    int n = snprintf(text, sizeof text, "%d ", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    va_end(ap);
    write_all(error_fd, text, strlen(text));
    if (forked_app > 0)
        kill(forked_app, SIGKILL);
    _exit(code);
}

static void mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return;
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

/* An executable under /tmp/<dir>/ (a test build, a worktree) must stay visible behind the private
 * /tmp: returns its directory (the shell chain's rule: "/tmp/", one or more characters, then a
 * slash somewhere after them), or false when there is nothing to keep. */
static bool keep_directory(const char *argv0, char *out, size_t size)
{
    if (strncmp(argv0, "/tmp/", 5) != 0 || argv0[5] == '\0' || strchr(argv0 + 6, '/') == NULL)
        return false;
    const char *slash = strrchr(argv0, '/');
    size_t len = (size_t)(slash - argv0);
    if (len + 1 > size)
        return false;
    memcpy(out, argv0, len);
    out[len] = '\0';
    return true;
}

/* An errno as Go spells it (runc's messages): glibc's text with a lower-case first letter. */
static void go_strerror(int error, char *out, size_t size)
{
    snprintf(out, size, "%s", strerror(error));
    if (out[0] >= 'A' && out[0] <= 'Z')
        out[0] = (char)(out[0] - 'A' + 'a');
}

/* The PATH the command's executable is looked up in: the container's (--env-file), else the launcher's. */
static const char *command_path(const struct options *o)
{
    return o->env != NULL ? container_env_get(o->env, "PATH") : getenv("PATH");
}

/* What Go's exec.LookPath (used by runc) reports when argv[0] cannot be run, or 0 when it can. */
static int check_executable(const char *argv0, const char *path, char *message, size_t size)
{
    if (strchr(argv0, '/') != NULL) {
        struct stat st;
        if (stat(argv0, &st) != 0) {
            char reason[128];
            go_strerror(errno, reason, sizeof reason);
            snprintf(message, size, "exec: \"%s\": stat %s: %s", argv0, argv0, reason);
            return EXIT_NOEXEC;
        }
        if (S_ISDIR(st.st_mode) || (st.st_mode & 0111) == 0) {
            snprintf(message, size, "exec: \"%s\": permission denied", argv0);
            return EXIT_SETUP;
        }
        return 0;
    }
    if (path == NULL || *path == '\0')
        path = DEFAULT_PATH;
    const char *dir = path;
    while (dir != NULL) {
        const char *end = strchr(dir, ':');
        size_t len = end != NULL ? (size_t)(end - dir) : strlen(dir);
        char candidate[PATH_MAX];
        if (snprintf(candidate, sizeof candidate, "%.*s/%s", (int)len, len > 0 ? dir : ".", argv0) < (int)sizeof candidate) {
            struct stat st;
            if (stat(candidate, &st) == 0 && !S_ISDIR(st.st_mode) && (st.st_mode & 0111) != 0)
                return 0;
        }
        dir = end != NULL ? end + 1 : NULL;
    }
    snprintf(message, size, "exec: \"%s\": executable file not found in $PATH", argv0);
    return EXIT_NOEXEC;
}

/* --standby: the container's cgroups are joined only on "go", after the pivot (their paths are gone
 * then) and after the agent has made them afresh for this attempt: hold the pod's cgroup directories,
 * which outlive the container's, and open "<container>/cgroup.procs" under them then. */
static void hold_cgroup_parents(struct options *o, int error_fd)
{
    for (int i = 0; i < o->cgroups; i++) {
        const char *path = o->cgroup_procs[i];
        const char *name = NULL;
        int slashes = 0;
        for (const char *p = path + strlen(path); p > path; p--)
            if (p[-1] == '/' && ++slashes == 2) {
                name = p;
                break;
            }
        if (name == NULL)
            init_failed(error_fd, EXIT_CGROUP, "cannot hold cgroup %s: no parent directory", path);
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%.*s", (int)(name - path), path);
        o->cgroup_dirs[i] = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
        o->cgroup_names[i] = name;
        if (o->cgroup_dirs[i] < 0)
            init_failed(error_fd, EXIT_CGROUP, "cannot hold cgroup %s: %s", parent, strerror(errno));
    }
}

static void join_held_cgroups(const struct options *o, int error_fd)
{
    for (int i = 0; i < o->cgroups; i++) {
        int fd = openat(o->cgroup_dirs[i], o->cgroup_names[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1)
            init_failed(error_fd, EXIT_CGROUP, "cannot join cgroup %s: %s", o->cgroup_procs[i], strerror(errno));
        close(fd);
        close(o->cgroup_dirs[i]);
    }
}

static void join_cgroups(const struct options *o, int error_fd)
{
    for (int i = 0; i < o->cgroups; i++) {
        /* "0" moves the writing process, whatever pid namespace it is in. */
        int fd = open(o->cgroup_procs[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1)
            init_failed(error_fd, EXIT_CGROUP, "cannot join cgroup %s: %s", o->cgroup_procs[i], strerror(errno));
        close(fd);
    }
}

/* The pod's resolv.conf: --resolv-conf, else "resolv.conf" beside the hosts file if there is one. */
static bool resolv_conf_file(const struct options *o, char *out, size_t size)
{
    if (o->resolv_conf != NULL)
        return snprintf(out, size, "%s", o->resolv_conf) < (int)size;
    if (o->hosts == NULL)
        return false;
    const char *slash = strrchr(o->hosts, '/');
    int dir_len = slash == NULL ? 0 : (int)(slash - o->hosts + 1);
    if (snprintf(out, size, "%.*sresolv.conf", dir_len, o->hosts) >= (int)size)
        return false;
    return access(out, R_OK) == 0;
}

/* Nothing mounted here may propagate back to the host (unshare --mount makes all private); with a
 * HostToContainer volume the node's mounts stay masters of these, so later ones reach it. */
static unsigned long root_propagation(const struct options *o)
{
    return any_host_to_container(o->binds, o->bind_count) ? MS_SLAVE : MS_PRIVATE;
}

static void set_up_mounts(struct options *o, int error_fd)
{
    if (mount("none", "/", NULL, MS_REC | root_propagation(o), NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot make mounts private: %s", strerror(errno));
    /* This namespace's own /proc: ps and /proc/1 show the container (unshare --mount-proc). */
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /proc: %s", strerror(errno));
    if (o->hosts != NULL && mount(o->hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /etc/hosts: %s", strerror(errno));
    char resolv[PATH_MAX];
    if (resolv_conf_file(o, resolv, sizeof resolv) && mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /etc/resolv.conf: %s", strerror(errno));
    /* Before /tmp is replaced: a working directory under /tmp stays usable as the cwd. With volumes
     * it may not exist yet (it can be a mountPath): it is entered again after the mounts. */
    bool in_workdir = chdir(o->workdir) == 0;
    if (!in_workdir && o->bind_count == 0)
        init_failed(error_fd, EXIT_SETUP, "cannot change to working directory %s", o->workdir);
    char volume_error[PATH_MAX + 256];
    int workdir_fd = -1;
    if (o->bind_count > 0) {
        if (pin_bind_sources(o->binds, o->bind_count, volume_error, sizeof volume_error) != 0)
            init_failed(error_fd, EXIT_SETUP, "%s", volume_error);
        if (in_workdir)
            workdir_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    }

    char keep[PATH_MAX];
    bool keeping = keep_directory(o->argv[0], keep, sizeof keep);
    if (keeping) {
        mkdir(KEEP_MOUNT, 0755);
        if (mount(keep, KEEP_MOUNT, NULL, MS_BIND, NULL) != 0)
            init_failed(error_fd, EXIT_SETUP, "cannot keep %s: %s", keep, strerror(errno));
    }
    char data[128];
    snprintf(data, sizeof data, "size=%s,mode=1777", o->tmp_size);
    if (mount("tmpfs", "/tmp", "tmpfs", 0, data) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot mount /tmp: %s", strerror(errno));
    if (keeping) {
        mkdir_p(keep);
        if (mount(KEEP_MOUNT, keep, NULL, MS_MOVE, NULL) != 0)
            init_failed(error_fd, EXIT_SETUP, "cannot keep %s: %s", keep, strerror(errno));
    }
    if (o->bind_count > 0) {
        if (apply_bind_mounts(o->binds, o->bind_count, volume_error, sizeof volume_error) != 0)
            init_failed(error_fd, EXIT_SETUP, "%s", volume_error);
        if (any_host_to_container(o->binds, o->bind_count) && set_bind_propagation(o->binds, o->bind_count, volume_error, sizeof volume_error) != 0)
            init_failed(error_fd, EXIT_SETUP, "%s", volume_error);
        /* As runc: the working directory is resolved after the mounts (it may be in a volume, or the
         * root may have changed); one the mounts hid stays reachable through its descriptor. */
        if (chdir(o->workdir) != 0 && (workdir_fd < 0 || fchdir(workdir_fd) != 0))
            init_failed(error_fd, EXIT_SETUP, "cannot change to working directory %s", o->workdir);
        if (workdir_fd >= 0)
            close(workdir_fd);
    }
}

/* With --rootfs: the container's own root (rootfs.c), volumes inside it, then its working directory. */
static void set_up_rootfs(struct options *o, int error_fd)
{
    if (mount("none", "/", NULL, MS_REC | root_propagation(o), NULL) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot make mounts private: %s", strerror(errno));
    char error[PATH_MAX + 256];
    if (o->bind_count > 0 && pin_bind_sources(o->binds, o->bind_count, error, sizeof error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", error);
    char resolv[PATH_MAX];
    o->root.hosts = o->hosts;
    o->root.resolv_conf = resolv_conf_file(o, resolv, sizeof resolv) ? resolv : NULL;
    if (enter_rootfs(&o->root, o->binds, o->bind_count, error, sizeof error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", error);
    if (any_host_to_container(o->binds, o->bind_count) && set_bind_propagation(o->binds, o->bind_count, error, sizeof error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", error);
    /* As runc: a missing working directory is created (inside the new root, which is all there is now). */
    mkdir_p(o->workdir);
    if (chdir(o->workdir) != 0)
        init_failed(error_fd, EXIT_SETUP, "chdir to cwd (\"%s\") set in config.json failed: %s", o->workdir, strerror(errno));
}

/* The capabilities a container gets by default (containerd's and Docker's list); everything else,
 * CAP_SYS_ADMIN first, leaves the bounding set, so no process of the container (root included) can
 * mount, load modules, or undo the masks on /proc. */
static bool default_capability(int cap)
{
    switch (cap) {
    case CAP_CHOWN: case CAP_DAC_OVERRIDE: case CAP_FSETID: case CAP_FOWNER: case CAP_MKNOD: case CAP_NET_RAW:
    case CAP_SETGID: case CAP_SETUID: case CAP_SETFCAP: case CAP_SETPCAP: case CAP_NET_BIND_SERVICE:
    case CAP_SYS_CHROOT: case CAP_KILL: case CAP_AUDIT_WRITE:
        return true;
    default:
        return false;
    }
}

static void drop_capabilities(int error_fd)
{
    /* Up to the last capability this kernel knows (PR_CAPBSET_READ fails after it). */
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (!default_capability(cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
            init_failed(error_fd, EXIT_SETUP, "cannot drop capability %d: %s", cap, strerror(errno));
}

/* --user: supplementary groups (or none), group, user; the last step before exec, after every mount. */
static void drop_privileges(const struct options *o, int error_fd)
{
    if (setgroups((size_t)o->group_count, o->groups) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set supplementary groups: %s", strerror(errno));
    if (setgid(o->gid) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set group %u: %s", (unsigned int)o->gid, strerror(errno));
    if (setuid(o->uid) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set user %u: %s", (unsigned int)o->uid, strerror(errno));
    /* A change of user clears the parent-death signal: set it again, and look whether the launcher
     * went in between. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct pollfd lifeline = {.fd = error_fd, .events = 0};
    if (poll(&lifeline, 1, 0) == 1 && (lifeline.revents & POLLERR) != 0)
        _exit(EXIT_CGROUP);
}

static void reset_signals(void)
{
    /* Ignored dispositions survive exec: give the container the defaults back. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* --standby, in the command's process: everything is set up; say so, then wait for the launcher's go
 * (its end closing: give up) or, armed, the previous attempt's byte; then join the container's cgroups. */
static void wait_for_go(struct options *o, int ready_fd, int go_fd, int error_fd)
{
    char byte = 'r';
    if (write(ready_fd, &byte, 1) != 1)
        _exit(EXIT_CGROUP);
    close(ready_fd);
    struct pollfd waits[2] = {{.fd = go_fd, .events = POLLIN}, {.fd = o->armed_fd, .events = POLLIN}};
    for (;;) {
        if (poll(waits, o->armed_fd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            _exit(EXIT_CGROUP);
        }
        if (waits[0].revents != 0) {
            ssize_t n;
            while ((n = read(go_fd, &byte, 1)) < 0 && errno == EINTR) {
            }
            if (n != 1)
                _exit(EXIT_CGROUP);
            break;
        }
        if (o->armed_fd >= 0 && waits[1].revents != 0) {
            ssize_t n = read(o->armed_fd, &byte, 1);
            if (n == 1) {
                trace("command-armed-go");
                break;
            }
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            /* A writer came and went without a byte: the FIFO only says POLLHUP from now on. */
            close(o->armed_fd);
            o->armed_fd = -1;
        }
    }
    trace("command-go");
    close(go_fd);
    if (o->armed_fd >= 0)
        close(o->armed_fd);
    join_held_cgroups(o, error_fd);
    trace("command-cgroups-joined");
}

/* The steps of runc's init after the root is ready, in its order, for the command and for PID 1 alike:
 * the container's nice value, no_new_privs, the seccomp filter (early: while CAP_SYS_ADMIN is held),
 * the capability bounding set, the user. */
static void apply_process_security(struct options *o, bool own_root, int error_fd, char *message, size_t size)
{
    /* The launcher (and PID 1 up to here) may run at a better nice value than the container, so that a
     * busy node does not delay a restart's steps; the container gets its own back before anything of it
     * runs (raising one's nice value is always allowed, and no filter is loaded yet). */
    if (o->has_nice && setpriority(PRIO_PROCESS, 0, o->nice) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set the nice value %d: %s", o->nice, strerror(errno));
    /* runc's order: no_new_privs first when asked, so that the filter is then loaded as late as
     * possible; without it, the filter goes on now, while CAP_SYS_ADMIN is still held. */
    if (o->security.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set no_new_privs: %s", strerror(errno));
    if (seccomp_load_early(&o->seccomp, message, size) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    /* The agent's bounding set (securityContext) when given, else containerd's default for an image root. */
    if (own_root && !o->security.has_caps)
        drop_capabilities(error_fd);
    if (apply_security(&o->security, message, size) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    if (o->has_user)
        drop_privileges(o, error_fd);
}

/* The command's process: its security, its stdio, then exec. */
static void exec_command(struct options *o, bool own_root, int in_fd, int out_fd, int err_fd, int error_fd)
{
    char message[PATH_MAX + 128];
    apply_process_security(o, own_root, error_fd, message, sizeof message);
    /* With a terminal, the command leads the foreground process group, as tini's child did (the
     * signals still blocked here keep SIGTTOU away). */
    if (o->tty && (setpgid(0, 0) != 0 || tcsetpgrp(in_fd, getpid()) != 0))
        init_failed(error_fd, EXIT_SETUP, "cannot give the command the terminal: %s", strerror(errno));
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set up stdio: %s", strerror(errno));
    reset_signals();
    /* With no_new_privs: as late as possible, so the fewest of our calls run under the filter. */
    if (seccomp_load_late(&o->seccomp, message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    trace("command-exec");
    /* The container's environment becomes the command's here, at its exec, and nowhere before: execvp
     * looks the executable up in its PATH. */
    char **env = o->env != NULL ? o->env : environ;
    /* containerd's WithTTY: a terminal container gets TERM=xterm unless its spec says otherwise. */
    if (o->tty)
        env = container_env_set(env, "TERM", "xterm", false);
    /* runc: HOME from the user's passwd entry in the container's root, unless the spec sets it. */
    environ = container_env_default_home(env, getuid());
    execvp(o->argv[0], o->argv);
    char reason[128];
    go_strerror(errno, reason, sizeof reason);
    init_failed(error_fd, errno == ENOENT ? EXIT_NOEXEC : EXIT_SETUP, "exec: \"%s\": %s", o->argv[0], reason);
}

/* Closes every descriptor from 3 on but the count in keep (-1: none). */
static void close_all_but(int *keep, int count)
{
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
            int swap = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = swap;
        }
    int from = 3;
    for (int i = 0; i < count; i++) {
        if (keep[i] < from)
            continue; /* none, or the same one twice */
        if (keep[i] > from)
            close_range((unsigned int)from, (unsigned int)keep[i] - 1, 0);
        from = keep[i] + 1;
    }
    close_range((unsigned int)from, ~0U, 0);
}

/*
 * PID 1 once the command is forked: it takes the same security, keeps the container's stdio and
 * nothing else of the launcher's, and supervises the command. Its steps are never on a restart's path
 * and it is supervising before the command can end:
 *   - a cold start (sync_fd: PID 1's end of "init ready"): the command waits for this byte before its
 *     own steps, so PID 1 is set up before the command runs (as tini was, without tini's exec);
 *   - a standby (sync_fd: the read end the command's exec closes): PID 1 joins the cgroups and drops
 *     its privileges only once the command runs, off the path from go to exec.
 * Either way one of the two reports a failure, never both.
 */
static void become_init(struct options *o, bool own_root, pid_t app, int sync_fd, int status_fd, int in_fd, int out_fd, int err_fd, int error_fd)
{
    char message[PATH_MAX + 128];
    if (o->standby) {
        char byte;
        while (read(sync_fd, &byte, 1) < 0 && errno == EINTR) {
        }
        close(sync_fd);
        sync_fd = -1;
        int status;
        if (waitpid(app, &status, WNOHANG) == app) {
            /* Ended before or right after its exec: a failure's report is in the error pipe already. */
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
    forked_app = app;
    trace("init-setup");
    if (o->standby)
        join_held_cgroups(o, error_fd);
    /* Renaming may overwrite the launcher's arguments in place, where the trace's log path lives. */
    static char trace_copy[PATH_MAX];
    snprintf(trace_copy, sizeof trace_copy, "%s", trace_log);
    trace_log = trace_copy;
    if (init_rename(o->argv, message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    apply_process_security(o, own_root, error_fd, message, sizeof message);
    if (init_limit_capabilities(message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    /* Not dumpable: nothing in the container can trace PID 1 or read its descriptors and memory
     * (the node's launcher binary is mapped in it). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set up stdio: %s", strerror(errno));
    trace("init-supervising");
    /* Without an exec nothing is closed on exec: close the launcher's descriptors (the log, the
     * namespace and cgroup handles, the trace), all but the error pipe, "init ready" and the status pipe. */
    int keep[] = {error_fd, sync_fd, status_fd};
    close_all_but(keep, 3);
    if (seccomp_load_late(&o->seccomp, message, sizeof message) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", message);
    if (sync_fd >= 0) {
        char ready = 'r';
        if (write(sync_fd, &ready, 1) != 1) {
            /* The command is gone: SIGCHLD says so below. */
        }
        close(sync_fd);
    }
    close(error_fd);
    init_supervise(app, status_fd);
}

/* Sends fd over a Unix socket (SCM_RIGHTS); 0, or -1 with errno. */
static int send_fd(int socket_fd, int fd)
{
    char byte = 't';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(socket_fd, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* The descriptor send_fd sent, or -1. */
static int receive_fd(int socket_fd)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    ssize_t n;
    while ((n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

/* PID 1 of a --tty container with an image root, its mounts done: a terminal in the container's own
 * devpts, owned by the command's user, its master side sent to the launcher. Returns the slave. */
static int open_console(struct options *o, int error_fd)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    char name[64];
    int slave = -1;
    if (master < 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0
        || (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        init_failed(error_fd, EXIT_SETUP, "cannot create a terminal in the container: %s", strerror(errno));
    if (o->has_user && fchown(slave, o->uid, (gid_t)-1) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot give the terminal to user %u: %s", (unsigned int)o->uid, strerror(errno));
    if (send_fd(o->console_fd, master) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot hand the terminal to the launcher: %s", strerror(errno));
    close(master);
    close(o->console_fd);
    o->console_fd = -1;
    return slave;
}

static void container_init(struct options *o, int netns_fd, int in_fd, int out_fd, int err_fd, int error_fd, int ready_fd, int go_fd, int status_fd)
{
    trace("pid1-start");
    /* Die with the launcher; if it is already gone, the error pipe has no reader. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct pollfd lifeline = {.fd = error_fd, .events = 0};
    if (poll(&lifeline, 1, 0) == 1 && (lifeline.revents & POLLERR) != 0)
        _exit(EXIT_CGROUP);

    if (o->standby)
        hold_cgroup_parents(o, error_fd);
    else
        join_cgroups(o, error_fd);
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0)
        init_failed(error_fd, EXIT_CGROUP, "cannot enter network namespace %s: %s", o->netns, strerror(errno));
    trace("pid1-netns-joined");
    char security_error[640];
    if (apply_sysctls(&o->security, security_error, sizeof security_error) != 0)
        init_failed(error_fd, EXIT_SETUP, "%s", security_error);
    o->root.read_only = o->security.read_only_root;
    o->root.privileged = o->security.privileged;
    bool own_root = o->root.mountpoint != NULL;
    if (own_root)
        set_up_rootfs(o, error_fd);
    else
        set_up_mounts(o, error_fd);
    trace("pid1-mounts-ready");
    if (o->hostname != NULL && !o->security.host_uts && sethostname(o->hostname, strlen(o->hostname)) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot set hostname %s: %s", o->hostname, strerror(errno));

    char message[PATH_MAX + 128];
    int code = check_executable(o->argv[0], command_path(o), message, sizeof message);
    if (code != 0)
        init_failed(error_fd, code, "%s", message);
    if (o->console_fd >= 0) {
        in_fd = out_fd = err_fd = open_console(o, error_fd);
    }
    /* A terminal becomes the controlling terminal of PID 1's session; the command then takes its
     * foreground. in_fd is its slave side then, as are out_fd and err_fd. */
    if (o->tty && (setsid() < 0 || ioctl(in_fd, TIOCSCTTY, 0) != 0))
        init_failed(error_fd, EXIT_SETUP, "cannot set up the terminal: %s", strerror(errno));
    /* In a joined pid namespace or the node's (hostPID) this is not PID 1: orphans of the command come here all the same. */
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        init_failed(error_fd, EXIT_SETUP, "cannot become a subreaper: %s", strerror(errno));
    /* Every signal waits from here until the command's exec unblocks its own; PID 1 takes its own
     * with sigwaitinfo. Defaults first: an ignored SIGCHLD would reap children before PID 1 saw them. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* Cold: PID 1 -> command, "init ready". Standby: command -> PID 1, closed by the command's exec. */
    int sync_pipe[2];
    if (pipe2(sync_pipe, O_CLOEXEC) != 0)
        init_failed(error_fd, EXIT_CGROUP, "cannot create a pipe: %s", strerror(errno));
    pid_t app = fork();
    if (app < 0)
        init_failed(error_fd, EXIT_CGROUP, "cannot fork the command: %s", strerror(errno));
    if (app == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (o->standby) {
            close(sync_pipe[0]);
            wait_for_go(o, ready_fd, go_fd, error_fd);
        } else {
            close(sync_pipe[1]);
            char byte;
            ssize_t n;
            while ((n = read(sync_pipe[0], &byte, 1)) < 0 && errno == EINTR) {
            }
            if (n != 1)
                _exit(EXIT_CGROUP); /* PID 1 failed (and said why) or is gone */
            close(sync_pipe[0]);
        }
        exec_command(o, own_root, in_fd, out_fd, err_fd, error_fd);
    }
    if (o->standby) {
        close(sync_pipe[1]);
        close(ready_fd);
        close(go_fd);
        if (o->armed_fd >= 0)
            close(o->armed_fd);
    } else {
        close(sync_pipe[0]);
    }
    become_init(o, own_root, app, o->standby ? sync_pipe[0] : sync_pipe[1], status_fd, in_fd, out_fd, err_fd, error_fd);
}

/* ---------- the launcher ---------- */

/* A FIFO of the agent's (--next, --armed), never blocking; -1 when it is not there or is not a FIFO. */
static int open_fifo(const char *path, int mode)
{
    int fd = open(path, mode | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* --next: one byte lets the armed standby go. False without one: no FIFO (the agent disarmed it) or no
 * reader (no armed standby, or its PID 1 is gone). */
static bool go_next(const char *fifo)
{
    int fd = open_fifo(fifo, O_WRONLY);
    if (fd < 0)
        return false;
    char byte = 'g';
    bool sent = write(fd, &byte, 1) == 1;
    close(fd);
    return sent;
}

/* The memory cgroup's OOM kill count ("oom_kill N" in memory.events, or memory.oom_control on cgroup v1),
 * read before the next attempt joins the same cgroups; -1 when no --cgroup-procs directory has it. */
static long read_oom_kills(const struct options *o)
{
    static const char *const files[] = {"memory.events", "memory.oom_control"};
    for (int i = 0; i < o->cgroups; i++) {
        for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
            char path[PATH_MAX];
            const char *slash = strrchr(o->cgroup_procs[i], '/');
            if (slash == NULL || snprintf(path, sizeof path, "%.*s/%s", (int)(slash - o->cgroup_procs[i]), o->cgroup_procs[i], files[f]) >= (int)sizeof path)
                continue;
            FILE *file = fopen(path, "re");
            if (file == NULL)
                continue;
            char line[128];
            long count = -1;
            while (count < 0 && fgets(line, sizeof line, file) != NULL)
                if (strncmp(line, "oom_kill ", 9) == 0)
                    count = strtol(line + 9, NULL, 10);
            fclose(file);
            if (count >= 0)
                return count;
        }
    }
    return -1;
}

/* --next: the next attempt goes when this exit restarts under the pod's policy and the agent left its
 * standby armed; the exit line tells the agent so, with the OOM kill count before it. Tried when the
 * container's init tells the code, and again once PID 1 is reaped if nothing went by then (no word
 * from a killed init, or the standby's reader not there yet). */
struct early_go {
    const struct options *o;
    bool sent;
    long oom_kills;
};

static void go_next_on(struct early_go *early, int code)
{
    if (early->o->next_fifo == NULL || (code == 0 && !early->o->next_on_success))
        return;
    early->oom_kills = read_oom_kills(early->o);
    trace("launcher-oom-read");
    early->sent = go_next(early->o->next_fifo);
    trace(early->sent ? "launcher-next-sent" : "launcher-next-none");
}

static void heard_exit(int code, void *context)
{
    trace("launcher-exit-heard");
    go_next_on(context, code);
}

static pid_t clone_namespaces(const struct security *security, bool joined_pid_ns)
{
    /* Like fork, but the child is PID 1 of a new pid namespace with its own mount, uts and ipc
     * (less those hostPID, hostIPC and hostNetwork share with the node). In a joined pid namespace
     * (--pid-ns, set for children by setns) it is an ordinary member of that one. */
    unsigned long flags = security_clone_flags(security);
    if (joined_pid_ns)
        flags &= ~(unsigned long)CLONE_NEWPID;
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

static void open_container_log(struct options *o, struct log *log)
{
    log->path = o->log;
    log->max = o->log_max;
    snprintf(log->rotated, sizeof log->rotated, "%s.1", o->log);
    log->fd = open_log(o->log);
    if (log->fd < 0) {
        char message[PATH_MAX + 64];
        snprintf(message, sizeof message, "cannot open the log %s: %s", o->log, strerror(errno));
        launch_failed(o, EXIT_CGROUP, message);
    }
    struct stat st;
    log->size = fstat(log->fd, &st) == 0 ? (long)st.st_size : 0;
}

/*
 * --standby: PID 1 has set everything up and waits before joining its cgroups. Say "standby" to the
 * agent, wait for its "go" line on stdin, open the log and let PID 1 go on; from there on the launch
 * is an ordinary one (true). Anything else on stdin, or its end (the agent discards the standby or is gone),
 * ends PID 1 and this launcher without an exit file: the container never ran. A PID 1 that failed
 * while setting up reports through the error pipe as usual (false: the caller reads it).
 */
static bool stand_by(struct options *o, struct log *log, pid_t child, const int ready_pipe[2], const int go_pipe[2], int error_fd, bool armed)
{
    close(ready_pipe[1]);
    close(go_pipe[0]);
    char byte;
    ssize_t n;
    while ((n = read(ready_pipe[0], &byte, 1)) < 0 && errno == EINTR) {
    }
    close(ready_pipe[0]);
    if (n != 1) {
        close(go_pipe[1]);
        return false;
    }
    trace("standby-ready");
    write_all(1, "standby\n", 8);
    if (armed) {
        /* An armed standby may go on the previous attempt's byte instead: the error pipe then closes
         * once the command is exec'd and PID 1 supervises it (a failure after going writes its report
         * there). The agent's stdin still wins, so that its
         * end discards the standby whatever else happened. */
        struct pollfd waits[2] = {{.fd = 0, .events = POLLIN}, {.fd = error_fd, .events = POLLIN}};
        while (poll(waits, 2, -1) < 0 && errno == EINTR) {
        }
        if (waits[0].revents == 0 && waits[1].revents != 0) {
            trace("standby-went");
            close(go_pipe[1]);
            open_container_log(o, log);
            return true;
        }
    }
    char line[8];
    size_t got = 0;
    while (got < sizeof line - 1) {
        n = read(0, line + got, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != 1 || line[got] == '\n')
            break;
        got++;
    }
    line[got] = '\0';
    if (n != 1 || strcmp(line, "go") != 0) {
        kill(child, SIGKILL);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    trace("standby-go-read");
    /* PID 1 first, the log after: its output waits in the pipe meanwhile, and the restart does not
     * wait for a file's creation (should the log fail to open, PID 1 dies with this launcher). */
    byte = 'g';
    if (write(go_pipe[1], &byte, 1) != 1) {
        /* PID 1 is gone: its report (if any) is in the error pipe. */
    }
    close(go_pipe[1]);
    open_container_log(o, log);
    return true;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exec-into") == 0)
        return exec_into(argc, argv);
    if (argc > 1 && strcmp(argv[1], "--pod-pid-ns") == 0)
        return pod_pid_ns(argc, argv);
    struct options o;
    parse_options(argc, argv, &o);
    trace("launcher-main");

    /* Its own session: no terminal signals from the agent's process group. */
    setsid();
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);

    char message[PATH_MAX + 128];
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        snprintf(message, sizeof message, "cannot open /dev/null: %s", strerror(errno));
        launch_failed(&o, EXIT_CGROUP, message);
    }
    /* Read on the node, before the clone, as the seccomp filter is. */
    if (o.env_file != NULL && (o.env = container_env_read(o.env_file, message, sizeof message)) == NULL)
        launch_failed(&o, EXIT_CGROUP, message);
    /* Read on the node, before the clone: PID 1 pivots into the image's root before it loads it. */
    if (o.seccomp_path != NULL && seccomp_read(o.seccomp_path, o.seccomp_flags, &o.seccomp, message, sizeof message) != 0)
        launch_failed(&o, EXIT_SETUP, message);
    static struct log log;
    /* A standby opens its log only on go: until then the running attempt's log is the newest. */
    if (!o.standby)
        open_container_log(&o, &log);

    int netns_fd = -1;
    if (o.netns != NULL) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "/run/netns/%s", o.netns);
        netns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (netns_fd < 0) {
            snprintf(message, sizeof message, "cannot open network namespace %s: %s", path, strerror(errno));
            launch_failed(&o, EXIT_CGROUP, message);
        }
    }

    /* status_pipe (--next): the container's init writes the command's code there before it exits. */
    int out_pipe[2], err_pipe[2], error_pipe[2], ready_pipe[2] = {-1, -1}, go_pipe[2] = {-1, -1}, status_pipe[2] = {-1, -1};
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(error_pipe, O_CLOEXEC) != 0
        || (o.standby && (pipe2(ready_pipe, O_CLOEXEC) != 0 || pipe2(go_pipe, O_CLOEXEC) != 0))
        || (o.next_fifo != NULL && pipe2(status_pipe, O_CLOEXEC) != 0)) {
        snprintf(message, sizeof message, "cannot create pipes: %s", strerror(errno));
        launch_failed(&o, EXIT_CGROUP, message);
    }

    /* The container's stdin: /dev/null, a pipe the launcher holds open (--stdin), or a terminal (--tty). */
    int in_fds[2] = {null_fd, -1}; /* what the container reads, and the launcher's end */
    int term_fd = -1;              /* --tty: the slave side, the container's stdin, stdout and stderr */
    int console[2] = {-1, -1};     /* --tty with an image root: PID 1 makes the terminal and sends its master */
    if (o.tty && o.root.mountpoint != NULL) {
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, console) != 0) {
            snprintf(message, sizeof message, "cannot create the terminal socket: %s", strerror(errno));
            launch_failed(&o, EXIT_CGROUP, message);
        }
        o.console_fd = console[1];
    } else if (o.tty) {
        in_fds[1] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (in_fds[1] < 0 || grantpt(in_fds[1]) != 0 || unlockpt(in_fds[1]) != 0 || ptsname(in_fds[1]) == NULL
            || (term_fd = open(ptsname(in_fds[1]), O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
            snprintf(message, sizeof message, "cannot create a terminal: %s", strerror(errno));
            launch_failed(&o, EXIT_CGROUP, message);
        }
        in_fds[0] = term_fd;
    } else if (o.stdin_open && pipe2(in_fds, O_CLOEXEC) != 0) {
        snprintf(message, sizeof message, "cannot create the stdin pipe: %s", strerror(errno));
        launch_failed(&o, EXIT_CGROUP, message);
    }

    if (o.pid_ns != NULL) {
        int pid_ns_fd = open(o.pid_ns, O_RDONLY | O_CLOEXEC);
        if (pid_ns_fd < 0 || setns(pid_ns_fd, CLONE_NEWPID) != 0) {
            snprintf(message, sizeof message, "cannot join the pid namespace %s: %s", o.pid_ns, strerror(errno));
            launch_failed(&o, EXIT_CGROUP, message);
        }
        close(pid_ns_fd);
    }

    /* --armed: opened here, held by PID 1 alone (the launcher's copy is closed right after the clone), so
     * that the previous attempt's launcher finds a reader exactly while PID 1 can go. */
    bool armed = o.armed_fifo != NULL && (o.armed_fd = open_fifo(o.armed_fifo, O_RDONLY)) >= 0;
    pid_t child = clone_namespaces(&o.security, o.pid_ns != NULL);
    if (child < 0) {
        snprintf(message, sizeof message, "cannot create namespaces: %s", strerror(errno));
        launch_failed(&o, EXIT_CGROUP, message);
    }
    if (child == 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        close(error_pipe[0]);
        if (o.standby) {
            close(ready_pipe[0]);
            close(go_pipe[1]);
        }
        if (in_fds[1] >= 0)
            close(in_fds[1]);
        if (console[0] >= 0)
            close(console[0]);
        if (status_pipe[0] >= 0)
            close(status_pipe[0]);
        if (o.tty)
            container_init(&o, netns_fd, term_fd, term_fd, term_fd, error_pipe[1], ready_pipe[1], go_pipe[0], status_pipe[1]);
        container_init(&o, netns_fd, in_fds[0], out_pipe[1], err_pipe[1], error_pipe[1], ready_pipe[1], go_pipe[0], status_pipe[1]);
    }

    close(out_pipe[1]);
    close(err_pipe[1]);
    close(error_pipe[1]);
    if (console[1] >= 0)
        close(console[1]);
    if (status_pipe[1] >= 0)
        close(status_pipe[1]);
    if (armed)
        close(o.armed_fd);
    if (in_fds[0] != null_fd)
        close(in_fds[0]);
    if (netns_fd >= 0)
        close(netns_fd);
    bool init_gone = o.standby && !stand_by(&o, &log, child, ready_pipe, go_pipe, error_pipe[0], armed);

    /* The error pipe closes once the command is exec'd (close-on-exec) and PID 1 supervises it, or carries
     * "<code> <message>". */
    char report[1024];
    size_t got = 0;
    for (;;) {
        ssize_t n = read(error_pipe[0], report + got, sizeof report - 1 - got);
        if (n > 0 && (got += (size_t)n) < sizeof report - 1)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    close(error_pipe[0]);
    trace("launcher-running");
    if (got > 0) {
        report[got] = '\0';
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        char *text;
        long code = strtol(report, &text, 10);
        launch_failed(&o, code >= 1 && code <= 255 ? (int)code : EXIT_SETUP, *text == ' ' ? text + 1 : text);
    }
    if (init_gone)
        launch_failed(&o, EXIT_CGROUP, "the container's init ended while standing by");
    if (console[0] >= 0) {
        /* Sent before the command's exec, which closed the error pipe: it is waiting. */
        in_fds[1] = receive_fd(console[0]);
        close(console[0]);
        if (in_fds[1] < 0) {
            kill(child, SIGKILL);
            while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
            }
            launch_failed(&o, EXIT_CGROUP, "PID 1 did not hand over the container's terminal");
        }
    }

    /* Hold the container's mount namespace: otherwise PID 1's exit unmounts the whole tree (overlay,
     * /proc, /dev, volumes, with RCU grace periods) before the kernel tells us it ended, and that
     * sat between the container's exit and its replacement. Released only after the exit is told. */
    char ns_path[64];
    snprintf(ns_path, sizeof ns_path, "/proc/%d/ns/mnt", (int)child);
    int mnt_fd = open(ns_path, O_RDONLY | O_CLOEXEC);

    /* The attach socket listens before the agent hears that the container runs. */
    static struct attach attach;
    if (attach_open(&attach, o.attach_path, in_fds[1], o.tty, o.stdin_once) != 0) {
        snprintf(message, sizeof message, "cannot listen on the attach socket %s: %s", o.attach_path, strerror(errno));
        kill(child, SIGKILL);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        }
        launch_failed(&o, EXIT_CGROUP, message);
    }

    /* Tell the agent the container runs; stdout stays open for the exit line (a gone agent only
     * makes that write fail: SIGPIPE is ignored). */
    char running[32];
    snprintf(running, sizeof running, "running %d\n", (int)child);
    write_all(1, running, strlen(running));
    dup2(null_fd, 0);
    dup2(null_fd, 2);

    struct stream streams[2] = {
        {.fd = out_pipe[0], .name = "stdout"},
        {.fd = err_pipe[0], .name = "stderr"},
    };
    if (o.tty) {
        /* Nothing writes to the pipes (the container's output is the terminal): it is one stream. */
        close(out_pipe[0]);
        close(err_pipe[0]);
        streams[0].fd = in_fds[1];
    }
    struct early_go early = {.o = &o, .oom_kills = -1};
    struct exit_notice notice = {.fd = status_pipe[0], .heard = heard_exit, .context = &early};
    pump(&log, streams, o.tty ? 1 : 2, &attach, status_pipe[0] >= 0 ? &notice : NULL);
    if (notice.fd >= 0)
        close(notice.fd);
    attach_close(&attach);
    trace("launcher-pipes-closed");

    /* Both pipes at end: every process of the namespace is gone (they die with PID 1) or closed them. */
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            status = W_EXITCODE(0, SIGKILL);
            break;
        }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
    trace("launcher-reaped");
    /* --next, unless the init's word already did it (or PID 1 ended without one: killed): the next
     * attempt goes now. */
    if (!early.sent)
        go_next_on(&early, code);
    long oom_kills = early.oom_kills;
    bool next_sent = early.sent;
    flush_log(&log);
    close(log.fd);
    /* The log is complete: the agent may start the replacement now, while the exit file is written
     * (for an agent that restarts and missed this line; a metadata write that can wait on a busy
     * disk's journal) and the old mount tree is taken down below. */
    char exited[64];
    if (next_sent)
        snprintf(exited, sizeof exited, "exited %d next %ld\n", code, oom_kills);
    else
        snprintf(exited, sizeof exited, "exited %d\n", code);
    write_all(1, exited, strlen(exited));
    trace("launcher-exited-line");
    /* What is left (the exit file, the old mount tree's teardown, this process's own exit) must not
     * hold up the replacement, which may be starting on this CPU right now: the lowest priority. */
    setpriority(PRIO_PROCESS, 0, 19);
    record_exit(o.exit_file, code);
    trace("launcher-exit-file");
    close(1);
    if (mnt_fd >= 0)
        close(mnt_fd);
    trace("launcher-mounts-released");
    return code;
}
