/*
 * "axolotl-launch --pod-pid-ns CGROUP_PROCS...": the pid namespace of a pod with shareProcessNamespace (pod-pid-ns.c).
 */
#ifndef AXOLOTL_POD_PID_NS_H
#define AXOLOTL_POD_PID_NS_H

int pod_pid_ns(int argc, char **argv);

#endif
