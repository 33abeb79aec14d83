/*
 * Parses axolotl-launch's command line for a container start: see launch-options.h, and
 * axolotl-launch.c for what each option means.
 */
#define _GNU_SOURCE
#include "launch-options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LOG_MAX (10L * 1024 * 1024)

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

void parse_options(int argc, char **argv, struct options *o)
{
    enum { EXIT_FILE = 256, LOG, LOG_MAX, CGROUP, NETNS, HOSTNAME, HOSTS, RESOLV_CONF, WORKDIR, TMP_SIZE, BIND, BIND_RO, TO, STANDBY,
           LOWER, UPPER, WORK, ROOTFS, HOSTNAME_FILE, USER, SEC, SECCOMP, SECCOMP_FLAGS, ATTACH, STDIN, STDIN_ONCE, TTY, PID_NS, TRACE, NICE, NEXT, NEXT_ON, ARMED, ENV_FILE, HOST_TO_CONTAINER,
           READY_TO, WAIT_STANDBY, WAIT_STANDBY_MS };
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
        {"ready-to", required_argument, NULL, READY_TO},
        {"wait-standby", required_argument, NULL, WAIT_STANDBY},
        {"wait-standby-ms", required_argument, NULL, WAIT_STANDBY_MS},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->armed_fd = -1;
    o->ready_fd = -1;
    o->wait_fd = -1;
    o->wait_ms = 250;
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
        case READY_TO: o->ready_fifo = optarg; break;
        case WAIT_STANDBY: o->wait_fifo = optarg; break;
        case WAIT_STANDBY_MS: {
            char *end;
            long ms = strtol(optarg, &end, 10);
            if (*end != '\0' || end == optarg || ms < 0 || ms > 60000)
                usage_error("--wait-standby-ms wants a number from 0 to 60000");
            o->wait_ms = (int)ms;
            break;
        }
        case TRACE: trace_open(optarg); break;
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
    if (o->ready_fifo != NULL && !o->standby)
        usage_error("--ready-to needs --standby");
    if (o->wait_fifo != NULL && o->standby)
        usage_error("--wait-standby is for a cold start, not a --standby");
    if (optind >= argc)
        usage_error("no command after --");
    o->argv = argv + optind;
    trace_set_log(o->log);
}
