/*
 * The emulator for the C tests that need a service: `oraclefn-cli emulator
 * --port 0`, started as a child process. Define _XOPEN_SOURCE 700 before
 * including this.
 */
#ifndef OFN_TESTS_EMULATOR_H
#define OFN_TESTS_EMULATOR_H

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Starts the emulator trusting `config_file`; returns its pid and writes its URL, or -1. */
static pid_t start_emulator(const char *cli, const char *config_file, char *url, size_t url_size) {
    int fds[2];
    pid_t pid;
    FILE *out;
    char line[256];
    if (pipe(fds) != 0) return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(cli, cli, "emulator", "--port", "0", "--config", config_file, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    out = fdopen(fds[0], "r");
    if (!out || !fgets(line, sizeof line, out) || strncmp(line, "listening on ", 13) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    line[strcspn(line, "\n")] = '\0';
    snprintf(url, url_size, "%s", line + 13);
    /* the rest of its output is not read; the pipe stays open so writes never fail */
    return pid;
}

#endif
