/*
 * The container's environment file: see container-env.h.
 */
#define _GNU_SOURCE
#include "container-env.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Far above what a pod spec can hold in practice; a bound so that a bad file cannot exhaust memory. */
#define MAX_ENV_FILE (1L << 20)

char **container_env_read(const char *path, char *message, size_t size)
{
    /* O_NOFOLLOW: the file is the agent's own, in its root-only state directory; never a link. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(message, size, "cannot read the environment file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > MAX_ENV_FILE) {
        snprintf(message, size, "the environment file %s is not a regular file of at most %ld bytes", path, MAX_ENV_FILE);
        close(fd);
        return NULL;
    }
    size_t length = (size_t)st.st_size;
    /* One more NUL: a last entry without its own still ends. */
    char *text = calloc(length + 1, 1);
    if (text == NULL) {
        snprintf(message, size, "cannot read the environment file %s: out of memory", path);
        close(fd);
        return NULL;
    }
    size_t got = 0;
    while (got < length) {
        ssize_t n = read(fd, text + got, length - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != length) {
        snprintf(message, size, "cannot read the environment file %s: short read", path);
        free(text);
        return NULL;
    }
    size_t count = 0;
    for (size_t i = 0; i < length; i++)
        if (text[i] == '\0')
            count++;
    char **envp = calloc(count + 2, sizeof *envp);
    if (envp == NULL) {
        snprintf(message, size, "cannot read the environment file %s: out of memory", path);
        free(text);
        return NULL;
    }
    size_t entries = 0;
    for (char *p = text; p < text + length; p += strlen(p) + 1) {
        /* An entry without "=" is no variable: execve would pass it on, but no runtime makes one. */
        if (*p != '\0' && strchr(p, '=') != NULL)
            envp[entries++] = p;
    }
    envp[entries] = NULL;
    return envp;
}

const char *container_env_get(char *const *envp, const char *name)
{
    size_t length = strlen(name);
    for (char *const *e = envp; *e != NULL; e++)
        if (strncmp(*e, name, length) == 0 && (*e)[length] == '=')
            return *e + length + 1;
    return NULL;
}

char **container_env_set(char **envp, const char *name, const char *value, bool replace)
{
    size_t length = strlen(name), count = 0;
    char *entry = NULL;
    if (asprintf(&entry, "%s=%s", name, value) < 0)
        return envp;
    for (; envp[count] != NULL; count++) {
        if (strncmp(envp[count], name, length) == 0 && envp[count][length] == '=') {
            if (replace)
                envp[count] = entry;
            else
                free(entry);
            return envp;
        }
    }
    char **grown = calloc(count + 2, sizeof *grown);
    if (grown == NULL) {
        free(entry);
        return envp;
    }
    memcpy(grown, envp, count * sizeof *grown);
    grown[count] = entry;
    return grown;
}

char **container_env_default_home(char **envp, uid_t uid)
{
    if (container_env_get(envp, "HOME") != NULL)
        return envp;
    char home[PATH_MAX] = "/";
    FILE *f = fopen("/etc/passwd", "re");
    if (f != NULL) {
        char line[4096];
        while (fgets(line, sizeof line, f) != NULL) {
            /* name:password:uid:gid:gecos:home:shell */
            char *fields[7] = {0}, *p = line;
            int n = 0;
            for (; n < 7 && p != NULL; n++) {
                fields[n] = p;
                p = strchr(p, ':');
                if (p != NULL)
                    *p++ = '\0';
            }
            char *end;
            if (n < 6 || fields[2][0] == '\0' || strtoul(fields[2], &end, 10) != uid || *end != '\0')
                continue;
            if (fields[5][0] != '\0' && strlen(fields[5]) < sizeof home)
                strcpy(home, fields[5]);
            break;
        }
        fclose(f);
    }
    return container_env_set(envp, "HOME", home, false);
}
