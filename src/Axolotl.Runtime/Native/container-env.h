/*
 * The container's environment (--env-file): the agent writes it to a root-only file of its state,
 * "NAME=value" entries each ended by a NUL (containerd's config.json in small). The launcher and
 * --exec-into start on the node with a fixed environment of the agent's and read the file there,
 * before anything of the container is entered; the entries become the envp of the container's
 * command (and an exec's) only, at its execve. Nothing the pod sets reaches a process on the node:
 * LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH and the like would make a root process there load the
 * pod's files.
 */
#ifndef AXOLOTL_CONTAINER_ENV_H
#define AXOLOTL_CONTAINER_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads FILE (a regular file, no symlink, at most 1 MiB) into a NULL-ended envp; NULL with the
 * reason in message on failure. The memory lives as long as the process. */
char **container_env_read(const char *path, char *message, size_t size);

/* The value of NAME in envp, or NULL. */
const char *container_env_get(char *const *envp, const char *name);

/* envp with NAME=value: NAME's entry replaced when replace, else set only where NAME is absent. May
 * return a new array; the memory lives as long as the process. */
char **container_env_set(char **envp, const char *name, const char *value, bool replace);

/* HOME as runc sets it for a container's process and an exec: kept when envp has it, else the home
 * of uid in /etc/passwd (read in the caller's root, as the caller: call it after the container's
 * root and user are taken), else "/". No NSS: nothing of the container's is loaded. */
char **container_env_default_home(char **envp, uid_t uid);

#endif
