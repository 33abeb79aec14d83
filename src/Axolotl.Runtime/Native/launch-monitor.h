/*
 * The launcher's own duties as the container's monitor, outside the container (launch-monitor.c):
 * the exit file and a failure's report, the container's log, the --standby handshake with the
 * agent, and letting the next attempt go (--next). axolotl-launch.c's main runs them.
 */
#ifndef AXOLOTL_LAUNCH_MONITOR_H
#define AXOLOTL_LAUNCH_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "cri-log.h"
#include "launch-options.h"

/* The exit file gets the code (written through a temporary file and a rename). */
void record_exit(const char *exit_file, int code);

/* A launcher failure: the reason in "<exit file>.err", the code in the exit file, then exit. */
void launch_failed(const struct options *o, int code, const char *message) __attribute__((noreturn));

/* A FIFO of the agent's (--next, --armed), never blocking; -1 when it is not there or is not a FIFO. */
int open_fifo(const char *path, int mode);

/* Opens --log for the container's output (a failure ends the launch). */
void open_container_log(struct options *o, struct log *log);

/* --standby, after the clone: true once the agent said go (the log is open then), false when PID 1
 * failed while setting up (its report is in the error pipe); any other end exits. */
bool stand_by(struct options *o, struct log *log, pid_t child, const int ready_pipe[2], const int go_pipe[2], int error_fd, bool armed);

/* --next: the next attempt goes when this exit restarts under the pod's policy and the agent left its
 * standby armed; the exit line tells the agent so, with the OOM kill count before it. Tried when the
 * container's init tells the code, and again once PID 1 is reaped if nothing went by then (no word
 * from a killed init, or the standby's reader not there yet). */
struct early_go {
    const struct options *o;
    bool sent;
    long oom_kills;
};

/* --next with the container's code: lets the armed standby go when the pod's policy restarts it. */
void go_next_on(struct early_go *early, int code);

/* The exit notice's callback (cri-log.h): the container's init told the code; context is an early_go. */
void heard_exit(int code, void *context);

#endif
