/*
 * "axolotl-launch --pod-pid-ns CGROUP_PROCS...": the pid namespace that every container of a pod with
 * shareProcessNamespace joins (--pid-ns), held by a process of the sandbox's own as the kubelet's pause
 * container holds it. It clones PID 1 of a new pid namespace, which joins the given cgroups (the pod's
 * "POD" cgroup, where the agent finds it again after a restart), names itself "pod-init", and from then
 * on only reaps what is reparented to it: the processes a container's init leaves when it exits.
 *
 * It ignores every signal but SIGKILL (a container's process cannot end its pod's namespace with a
 * SIGTERM); the agent kills it with the sandbox, and the kernel then kills whatever is left inside.
 * The launcher prints "running <host pid of PID 1>" and exits 0 (PID 1 passes to the node's init), or
 * prints the reason on stderr and exits EXIT_CGROUP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch-common.h"
#include "pod-pid-ns.h"

static void fail(int fd, const char *what, const char *path)
{
    char message[512];
    int n = snprintf(message, sizeof message, "%s%s%s: %s\n", what, path ? " " : "", path ? path : "", strerror(errno));
    if (n > 0)
        write_all(fd, message, (size_t)n < sizeof message ? (size_t)n : sizeof message - 1);
}

static void hold_namespace(int argc, char **argv, int report_fd)
{
    for (int i = 2; i < argc; i++) {
        int fd = open(argv[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) {
            fail(report_fd, "cannot join cgroup", argv[i]);
            _exit(EXIT_CGROUP);
        }
        close(fd);
    }
    prctl(PR_SET_NAME, "pod-init", 0, 0, 0);
    /* `ps` in the containers shows the command line: "pod-init", not the launcher's path and the node's cgroup files. */
    char *args_end = argv[argc - 1] + strlen(argv[argc - 1]);
    memset(argv[0], 0, (size_t)(args_end - argv[0]));
    memcpy(argv[0], "pod-init", args_end - argv[0] >= 8 ? 8 : (size_t)(args_end - argv[0]));
    if (chdir("/") != 0) {
        /* "/" is always there. */
    }
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* Nothing of the launcher's stays open: the agent's pipes would never see their end. */
    close(report_fd);
    for (int fd = 0; fd < 1024; fd++)
        close(fd);
    for (;;) {
        siginfo_t info;
        if (sigwaitinfo(&all, &info) == SIGCHLD)
            while (waitpid(-1, NULL, WNOHANG) > 0) {
            }
    }
}

int pod_pid_ns(int argc, char **argv)
{
    setsid();
    /* PID 1 says why it failed through this pipe; its close-on-exec end closes with PID 1's own close. */
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        fail(2, "cannot create a pipe", NULL);
        return EXIT_CGROUP;
    }
    pid_t child = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
    if (child < 0) {
        fail(2, "cannot create the pid namespace", NULL);
        return EXIT_CGROUP;
    }
    if (child == 0) {
        close(report[0]);
        hold_namespace(argc, argv, report[1]);
    }
    close(report[1]);
    char text[512];
    ssize_t got;
    while ((got = read(report[0], text, sizeof text - 1)) < 0 && errno == EINTR) {
    }
    if (got > 0) {
        write_all(2, text, (size_t)got);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return EXIT_CGROUP;
    }
    char line[32];
    int n = snprintf(line, sizeof line, "running %d\n", (int)child);
    write_all(1, line, (size_t)n);
    return 0;
}
