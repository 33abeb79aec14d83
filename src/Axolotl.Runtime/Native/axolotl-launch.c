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
 *                  [--next FIFO --next-on any|failure] [--armed FIFO] [--env-file FILE]
 *                  [--ready-to FIFO | --wait-standby FIFO [--wait-standby-ms N]] -- argv...
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
 * --ready-to FIFO (a standby) and --wait-standby FIFO [--wait-standby-ms N] (a cold start): a container
 * that crashes within milliseconds of its first start must find its next attempt ready, or its restart
 * waits for the standby's whole set-up. The agent launches that standby first with --ready-to, and the
 * cold start with --wait-standby on the same FIFO: the standby's command writes one byte there once its
 * set-up is done, and the cold start's command execs only once that byte came, the standby's end closed
 * (it failed), or N ms (250 by default) passed.
 *
 * --nice N is the container's nice value: the agent starts the launcher at a better one (it and PID 1's
 * set-up are the runtime's work on a restart's path), and PID 1 and the command take N before anything of the container runs.
 *
 * --rootfs gives the container a root of its own (rootfs.c): an overlay of the --lower layers (top-most
 * first) with the --upper/--work writable layer, mounted on the empty directory DIR, with /proc, /dev,
 * /sys, the /etc files and the volumes inside it, entered with pivot_root. No private /tmp then (the
 * image's /tmp is on the overlay). Without --rootfs the container runs on the node's root.
 *
 * With --rootfs /proc and /sys get runc's default masked and read-only paths.
 *
 * --sec applies the container's securityContext (security.c): caps=HEX (the bounding set; the agent
 * computes it, containerd's default list for an image root without a securityContext, from
 * Runtime/Security/LinuxCapabilities.cs: the launcher holds no capability list of its own),
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
 *
 * Files, each using only those below it: axolotl-launch.c (this entry point: the clone and the
 * launcher's main), launch-monitor.c (the launcher's duties as monitor), container-pid1.c (PID 1 from
 * the clone to supervision), container-setup.c (PID 1's set-up steps), launch-options.c (the command
 * line), launch-common.c (shared helpers), and the single-purpose units they name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "container-env.h"
#include "container-pid1.h"
#include "cri-log.h"
#include "exec-into.h"
#include "launch-common.h"
#include "launch-monitor.h"
#include "launch-options.h"
#include "pod-pid-ns.h"
#include "seccomp.h"
#include "security.h"

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
    /* --ready-to and --wait-standby: a cold start and the standby launched just before it. Opened here and
     * held by the command alone; neither is needed for the container to run, so a missing FIFO is no failure.
     * The standby's end is read-write: its byte waits in the FIFO for a reader that opens after it. */
    if (o.ready_fifo != NULL)
        o.ready_fd = open_fifo(o.ready_fifo, O_RDWR);
    if (o.wait_fifo != NULL)
        o.wait_fd = open_fifo(o.wait_fifo, O_RDONLY);
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
    if (o.ready_fd >= 0)
        close(o.ready_fd);
    if (o.wait_fd >= 0)
        close(o.wait_fd);
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

    /* Static, not on the stack: the 16 KiB line buffers are touched only by a container that writes. */
    static struct stream streams[2];
    streams[0] = (struct stream){.fd = out_pipe[0], .name = "stdout"};
    streams[1] = (struct stream){.fd = err_pipe[0], .name = "stderr"};
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
