/*
 * "axolotl-launch --exec-into PID ... -- argv": a command in a running container (exec-into.c).
 */
#ifndef AXOLOTL_EXEC_INTO_H
#define AXOLOTL_EXEC_INTO_H

int exec_into(int argc, char **argv);

#endif
